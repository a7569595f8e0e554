/*
 * Upscales one packed YUV 4:2:0 8-bit frame through include/seranet.h, the way a media host
 * would: the frame is copied into planes with padded strides at odd addresses, upscaled with
 * seranet_process and again with seranet_process_batch, and written packed.
 *
 *   upscale_frame WIDTH HEIGHT IN.yuv OUT.yuv [fp32|bf16] [tta]
 *
 * Checks what only a C caller sees (the ABI version, errors as status plus message, NULL
 * handles, the batched call matching the single one, float planes (SERANET_BITS_FLOAT) matching
 * the 8-bit result to within its rounding, a program built against ABI 2 calling in with its
 * smaller seranet_options) and exits non-zero with a line on stderr when one fails. LibSeranetTests compares OUT.yuv with the engine's own output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seranet.h"
#include "seranet_warning_lines.h"

#define PAD 40

/* ABI 3's layout on 64-bit Linux, as the header's comment and the library's reading of struct_size assume. */
_Static_assert(sizeof(seranet_options) == 48 && offsetof(seranet_options, precision) == 36,
               "seranet_options is not ABI 3's 48 bytes with precision at offset 36");

static size_t packed_bytes_of(int width, int height)
{
    return (size_t)width * height + 2 * (size_t)((width + 1) / 2) * ((height + 1) / 2);
}

static int failures = 0;

static void print_warning(const char *line, int length, void *context)
{
    (void)context;
    printf("warning: %.*s\n", length, line);
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAILED: %s (last error: %s)\n", what, seranet_last_error());
        failures++;
    }
}

/* Three planes of w x h, w/2 x h/2 (rounded up), each row PAD bytes wider than its samples. */
typedef struct padded_frame {
    unsigned char *memory;
    seranet_frame frame;
} padded_frame;

static void plane_size(int plane, int width, int height, int *w, int *h)
{
    *w = plane == 0 ? width : (width + 1) / 2;
    *h = plane == 0 ? height : (height + 1) / 2;
}

static void padded_alloc(padded_frame *p, int width, int height)
{
    size_t total = 0;
    for (int i = 0; i < 3; i++) {
        int w, h;
        plane_size(i, width, height, &w, &h);
        total += (size_t)(w + PAD) * h + 1;
    }
    p->memory = calloc(total, 1);
    memset(&p->frame, 0, sizeof p->frame);
    p->frame.struct_size = sizeof p->frame;
    p->frame.format = SERANET_FORMAT_YUV420;
    p->frame.bits = 8;
    p->frame.range = SERANET_RANGE_LIMITED;
    p->frame.matrix = SERANET_MATRIX_BT709;
    p->frame.chroma_siting = SERANET_SITING_CENTER;
    p->frame.width = width;
    p->frame.height = height;
    unsigned char *at = p->memory + 1; /* odd address: the library must not assume alignment */
    for (int i = 0; i < 3; i++) {
        int w, h;
        plane_size(i, width, height, &w, &h);
        p->frame.planes[i] = at;
        p->frame.strides[i] = w + PAD;
        at += (size_t)(w + PAD) * h;
    }
}

static void copy_packed(padded_frame *p, unsigned char *packed, int to_planes)
{
    for (int i = 0; i < 3; i++) {
        int w, h;
        plane_size(i, p->frame.width, p->frame.height, &w, &h);
        for (int y = 0; y < h; y++) {
            unsigned char *row = (unsigned char *)p->frame.planes[i] + (size_t)y * p->frame.strides[i];
            if (to_planes) {
                memcpy(row, packed, w);
            } else {
                memcpy(packed, row, w);
            }
            packed += w;
        }
    }
}

/* A float frame (VapourSynth's convention: Y 0-1, chroma -0.5-0.5) in planes of packed rows. */
static seranet_frame float_frame(int width, int height, float **memory)
{
    seranet_frame frame;
    memset(&frame, 0, sizeof frame);
    frame.struct_size = sizeof frame;
    frame.format = SERANET_FORMAT_YUV420;
    frame.bits = SERANET_BITS_FLOAT;
    frame.matrix = SERANET_MATRIX_BT709;
    frame.chroma_siting = SERANET_SITING_CENTER;
    frame.width = width;
    frame.height = height;
    *memory = calloc(packed_bytes_of(width, height), sizeof(float));
    float *at = *memory;
    for (int i = 0; i < 3; i++) {
        int w, h;
        plane_size(i, width, height, &w, &h);
        frame.planes[i] = at;
        frame.strides[i] = (ptrdiff_t)w * (ptrdiff_t)sizeof(float);
        at += (size_t)w * h;
    }
    return frame;
}

static size_t packed_bytes(int width, int height)
{
    return (size_t)width * height + 2 * (size_t)((width + 1) / 2) * ((height + 1) / 2);
}

/*
 * What a program built against ABI 2 does: its seranet_options is 40 bytes and ends in padding
 * where ABI 3's precision lies, and it calls the function seranet_default_options (the macro of
 * this header is bypassed by the parentheses).
 */
static void check_abi2_caller(void)
{
    union {
        seranet_options options;
        unsigned char bytes[64];
    } abi2;
    memset(abi2.bytes, 0xAB, sizeof abi2.bytes);
    (seranet_default_options)(&abi2.options);
    check(abi2.options.struct_size == 40, "ABI 2's seranet_default_options sets struct_size to ABI 2's 40 bytes");
    int untouched = 1;
    for (size_t i = 40; i < sizeof abi2.bytes; i++) {
        untouched &= abi2.bytes[i] == 0xAB;
    }
    check(untouched, "ABI 2's seranet_default_options writes nothing past ABI 2's struct");
    memset(abi2.bytes + 36, 0xFF, 4); /* padding there may hold anything: it is not a precision */
    seranet_upscaler *upscaler = NULL;
    check(seranet_open(&abi2.options, &upscaler) == SERANET_OK, "an ABI 2 caller's struct opens, its padding unread");
    seranet_close(upscaler);
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 7) {
        fprintf(stderr, "usage: %s WIDTH HEIGHT IN.yuv OUT.yuv [fp32|bf16] [tta]\n", argv[0]);
        return 2;
    }
    int width = atoi(argv[1]), height = atoi(argv[2]);
    size_t in_bytes = packed_bytes(width, height);
    unsigned char *packed = malloc(in_bytes);
    FILE *in = fopen(argv[3], "rb");
    if (in == NULL || fread(packed, 1, in_bytes, in) != in_bytes) {
        fprintf(stderr, "cannot read %zu bytes from %s\n", in_bytes, argv[3]);
        return 2;
    }
    fclose(in);

    check(seranet_abi_version() == SERANET_ABI_VERSION, "seranet_abi_version() == SERANET_ABI_VERSION");

    seranet_options options;
    seranet_default_options(&options);
    options.model = "no-such-model";
    seranet_upscaler *upscaler = (seranet_upscaler *)&options;
    check(seranet_open(&options, &upscaler) == SERANET_ERROR_MODEL, "an unknown model is SERANET_ERROR_MODEL");
    check(upscaler == NULL, "a failed open sets the handle to NULL");
    check(strstr(seranet_last_error(), "no-such-model") != NULL, "the error names the model");
    int32_t w, h;
    check(seranet_output_size(NULL, 4, 4, &w, &h) == SERANET_ERROR_ARGUMENT, "a NULL handle is SERANET_ERROR_ARGUMENT");
    check(strlen(seranet_last_error()) > 0, "a NULL handle has a message");

    check_abi2_caller();

    memset(&options, 0xAB, sizeof options);
    seranet_default_options(&options);
    check(options.struct_size == sizeof options && options.precision == SERANET_PRECISION_FP32 && options.tta == 0,
          "seranet_default_options fills the whole struct of this header");
    options.precision = 7;
    check(seranet_open(&options, &upscaler) == SERANET_ERROR_ARGUMENT, "an unknown precision is SERANET_ERROR_ARGUMENT");
    check(strstr(seranet_last_error(), "precision") != NULL, "the error names the precision");

    seranet_default_options(&options);
    options.batch = 2;
    options.precision = argc > 5 && strcmp(argv[5], "bf16") == 0 ? SERANET_PRECISION_BF16 : SERANET_PRECISION_FP32;
    options.tta = argc > 6 && strcmp(argv[6], "tta") == 0;
    if (seranet_open(&options, &upscaler) != SERANET_OK) {
        fprintf(stderr, "seranet_open: %s\n", seranet_last_error());
        return 1;
    }
    check(strcmp(seranet_last_error(), "") == 0, "a successful call leaves no message");
    /* What a host would show its user, a line each. */
    check(seranet_warnings(upscaler) != NULL, "seranet_warnings");
    seranet_each_warning(upscaler, print_warning, NULL);
    check(seranet_warnings(NULL) == NULL && strlen(seranet_last_error()) > 0, "a NULL upscaler has no warnings, and a message");
    int32_t out_width, out_height;
    check(seranet_output_size(upscaler, width, height, &out_width, &out_height) == SERANET_OK, "seranet_output_size");
    check(out_width == 2 * width && out_height == 2 * height, "the default scale doubles the size");

    padded_frame source, single, batched[2];
    padded_alloc(&source, width, height);
    copy_packed(&source, packed, 1);
    padded_alloc(&single, out_width, out_height);
    padded_alloc(&batched[0], out_width, out_height);
    padded_alloc(&batched[1], out_width, out_height);

    check(seranet_process(upscaler, &source.frame, &single.frame) == SERANET_OK, "seranet_process");

    seranet_frame inputs[2] = {source.frame, source.frame};
    seranet_frame outputs[2] = {batched[0].frame, batched[1].frame};
    check(seranet_process_batch(upscaler, inputs, outputs, 2) == SERANET_OK, "seranet_process_batch");

    size_t out_bytes = packed_bytes(out_width, out_height);
    unsigned char *result = malloc(out_bytes), *other = malloc(out_bytes);
    copy_packed(&single, result, 0);
    for (int i = 0; i < 2; i++) {
        copy_packed(&batched[i], other, 0);
        check(memcmp(result, other, out_bytes) == 0, "the batched call gives the single call's pixels");
    }

    /* The same frame as floats: 8-bit limited codes map exactly onto the float range. */
    float *float_in, *float_out;
    seranet_frame float_input = float_frame(width, height, &float_in), float_output = float_frame(out_width, out_height, &float_out);
    size_t luma_in = (size_t)width * height, luma_out = (size_t)out_width * out_height;
    for (size_t i = 0; i < in_bytes; i++) {
        float_in[i] = i < luma_in ? (packed[i] - 16) / 219.0f : (packed[i] - 128) / 224.0f;
    }
    check(seranet_process(upscaler, &float_input, &float_output) == SERANET_OK, "seranet_process on float planes");
    int far = 0;
    for (size_t i = 0; i < out_bytes; i++) {
        float expected = i < luma_out ? (result[i] - 16) / 219.0f : (result[i] - 128) / 224.0f;
        float step = i < luma_out ? 1 / 219.0f : 1 / 224.0f;
        far += float_out[i] < expected - 0.6f * step || float_out[i] > expected + 0.6f * step;
    }
    check(far == 0, "float planes give the 8-bit result to within its rounding");
    check(seranet_process(upscaler, &float_input, &single.frame) == SERANET_ERROR_ARGUMENT, "float input with 8-bit output is SERANET_ERROR_ARGUMENT");
    free(float_in);
    free(float_out);

    seranet_frame wrong = single.frame;
    wrong.width = out_width - 2;
    check(seranet_process(upscaler, &source.frame, &wrong) == SERANET_ERROR_ARGUMENT, "a wrong output size is SERANET_ERROR_ARGUMENT");
    check(strlen(seranet_last_error()) > 0, "a wrong output size has a message");

    seranet_close(upscaler);
    seranet_close(NULL);

    FILE *out = fopen(argv[4], "wb");
    if (out == NULL || fwrite(result, 1, out_bytes, out) != out_bytes || fclose(out) != 0) {
        fprintf(stderr, "cannot write %s\n", argv[4]);
        return 2;
    }
    if (failures == 0) {
        printf("ok: %dx%d -> %dx%d\n", width, height, out_width, out_height);
    }
    return failures == 0 ? 0 : 1;
}
