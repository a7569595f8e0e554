/*
 * SeRanetUpscale(clip, string "model", int "tile", float "scale", string "device",
 * string "precision", bool "tta"): an AviSynth+ C plugin on libseranet (include/seranet.h) for
 * planar YUV (4:2:0, 4:2:2, 4:4:4), grey (Y) and planar RGB clips of 8 to 16 bits. Each frame's
 * planes go to the engine as they are.
 *
 * Frame properties: _ColorRange (0 full, 1 limited) and _ChromaLocation (0 left, 1 center,
 * 2 top-left; top and bottom sitings are refused for 4:2:0) are read from each frame and passed
 * on; without them, limited YUV and grey, full RGB, left (MPEG-2) siting. Output frames carry the
 * input's properties.
 *
 * Errors at script time (a bad model, an unsupported clip) are returned as script errors with
 * the engine's message; errors on a frame are set on the filter (fi->error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_c_subset.h"
#include "seranet.h"
#include "seranet_frame_properties.h"
#include "seranet_option_names.h"
#include "seranet_warning_lines.h"

typedef struct seranet_avs_filter {
    seranet_upscaler *upscaler;
    seranet_frame shape; /* format, bits and size of the input; planes filled per frame */
} seranet_avs_filter;

/* The engine's format for an AviSynth+ pixel type, or -1 for what the engine does not take. */
static int format_of(int pixel_type, int *bits)
{
    switch (pixel_type & AVS_CS_SAMPLE_BITS_MASK) {
    case AVS_CS_SAMPLE_BITS_8: *bits = 8; break;
    case AVS_CS_SAMPLE_BITS_10: *bits = 10; break;
    case AVS_CS_SAMPLE_BITS_12: *bits = 12; break;
    case AVS_CS_SAMPLE_BITS_14: *bits = 14; break;
    case AVS_CS_SAMPLE_BITS_16: *bits = 16; break;
    default: return -1; /* 32-bit float */
    }
    if (!(pixel_type & AVS_CS_PLANAR)) {
        return -1;
    }
    if ((pixel_type & (AVS_CS_PLANAR | AVS_CS_INTERLEAVED | AVS_CS_YUV)) == AVS_CS_Y8) {
        return SERANET_FORMAT_GRAY;
    }
    if ((pixel_type & AVS_CS_BGR) && (pixel_type & AVS_CS_RGB_TYPE)) {
        return SERANET_FORMAT_RGBP;
    }
    if (!(pixel_type & AVS_CS_YUV) || (pixel_type & AVS_CS_INTERLEAVED)) {
        return -1;
    }
    int width = pixel_type & AVS_CS_SUB_WIDTH_MASK, height = pixel_type & AVS_CS_SUB_HEIGHT_MASK;
    if (width == AVS_CS_SUB_WIDTH_2 && height == AVS_CS_SUB_HEIGHT_2) {
        return SERANET_FORMAT_YUV420;
    }
    if (width == AVS_CS_SUB_WIDTH_2 && height == AVS_CS_SUB_HEIGHT_1) {
        return SERANET_FORMAT_YUV422;
    }
    if (width == AVS_CS_SUB_WIDTH_1 && height == AVS_CS_SUB_HEIGHT_1) {
        return SERANET_FORMAT_YUV444;
    }
    return -1;
}

static const int yuv_planes[3] = {AVS_PLANAR_Y, AVS_PLANAR_U, AVS_PLANAR_V};
static const int rgb_planes[3] = {AVS_PLANAR_R, AVS_PLANAR_G, AVS_PLANAR_B};

static void point_at(seranet_frame *frame, AVS_VideoFrame *avs, int writable)
{
    const int *planes = frame->format == SERANET_FORMAT_RGBP ? rgb_planes : yuv_planes;
    int count = frame->format == SERANET_FORMAT_GRAY ? 1 : 3;
    for (int i = 0; i < count; i++) {
        frame->planes[i] = writable ? (void *)avs_get_write_ptr_p(avs, planes[i]) : (void *)avs_get_read_ptr_p(avs, planes[i]);
        frame->strides[i] = avs_get_pitch_p(avs, planes[i]);
    }
}

/* Range and siting of one frame from its properties into *frame; NULL, or why not. */
static const char *read_properties(AVS_ScriptEnvironment *env, const AVS_VideoFrame *source, int subsampled_vertically,
                                   seranet_frame *frame, char *why, size_t why_size)
{
    const AVS_Map *props = avs_get_frame_props_ro(env, source);
    int error;
    int64_t range = avs_prop_get_int(env, props, "_ColorRange", 0, &error);
    const char *problem = seranet_range_property(!error, range, frame, why, why_size);
    if (problem != NULL) {
        return problem;
    }
    int64_t location = avs_prop_get_int(env, props, "_ChromaLocation", 0, &error);
    return seranet_siting_property(!error, location, subsampled_vertically, frame, why, why_size);
}

static AVS_VideoFrame *get_frame(AVS_FilterInfo *fi, int n)
{
    seranet_avs_filter *filter = fi->user_data;
    AVS_VideoFrame *source = avs_get_frame(fi->child, n);
    if (source == NULL) {
        return NULL;
    }
    seranet_frame input = filter->shape;
    char why[512], message[1024];
    const char *failure = read_properties(fi->env, source, input.format == SERANET_FORMAT_YUV420, &input, why, sizeof why);
    if (failure != NULL) {
        avs_release_video_frame(source);
        snprintf(message, sizeof message, "SeRanetUpscale: frame %d: %s", n, failure);
        fi->error = avs_save_string(fi->env, message, -1);
        return NULL;
    }
    AVS_VideoFrame *result = avs_new_video_frame_p_a(fi->env, &fi->vi, source, 64);
    seranet_frame output = input;
    output.width = fi->vi.width;
    output.height = fi->vi.height;
    point_at(&input, source, 0);
    point_at(&output, result, 1);
    seranet_status status = seranet_process(filter->upscaler, &input, &output);
    avs_release_video_frame(source);
    if (status != SERANET_OK) {
        avs_release_video_frame(result);
        fi->error = avs_save_string(fi->env, seranet_last_error(), -1);
        return NULL;
    }
    return result;
}

static void free_filter(AVS_FilterInfo *fi)
{
    seranet_avs_filter *filter = fi->user_data;
    if (filter != NULL) {
        seranet_close(filter->upscaler);
        free(filter);
        fi->user_data = NULL;
    }
}

static AVS_Value script_error(AVS_ScriptEnvironment *env, const char *message)
{
    char text[1024];
    snprintf(text, sizeof text, "SeRanetUpscale: %s", message);
    return avs_new_value_error(avs_save_string(env, text, -1));
}

/* AviSynth's C interface has no log: libseranet's warnings go to standard error, a line each,
   where avs2yuv and ffmpeg show them. */
static void print_warning(const char *line, int length, void *context)
{
    (void)context;
    fprintf(stderr, "SeRanetUpscale: warning: %.*s\n", length, line);
}

static AVS_Value create(AVS_ScriptEnvironment *env, AVS_Value args, void *user_data)
{
    (void)user_data;
    AVS_Value model = avs_array_elt(args, 1), tile = avs_array_elt(args, 2), scale = avs_array_elt(args, 3),
              device = avs_array_elt(args, 4), precision = avs_array_elt(args, 5), tta = avs_array_elt(args, 6);
    AVS_FilterInfo *fi;
    AVS_Clip *clip = avs_new_c_filter(env, &fi, avs_array_elt(args, 0), 1);
    AVS_Value result;

    seranet_avs_filter *filter = calloc(1, sizeof *filter);
    int input_width = fi->vi.width, input_height = fi->vi.height;
    int bits = 0;
    int format = format_of(fi->vi.pixel_type, &bits);
    seranet_options options;
    seranet_default_options(&options);
    options.model = avs_defined(model) ? avs_as_string(model) : NULL;
    options.tile = avs_defined(tile) ? avs_as_int(tile) : 0;
    options.scale = avs_defined(scale) ? avs_as_float(scale) : 2.0;
    options.device = seranet_device_named(avs_defined(device) ? avs_as_string(device) : NULL);
    options.precision = seranet_precision_named(avs_defined(precision) ? avs_as_string(precision) : NULL);
    options.tta = avs_defined(tta) && avs_as_bool(tta);

    if (format < 0) {
        result = script_error(env, "the clip must be planar YUV 4:2:0/4:2:2/4:4:4, Y or planar RGB of 8 to 16 bits.");
    } else if (options.device < 0) {
        result = script_error(env, "device must be \"auto\", \"cpu\" or \"cuda\".");
    } else if (options.precision < 0) {
        result = script_error(env, "precision must be \"fp32\" or \"bf16\".");
    } else if (seranet_open(&options, &filter->upscaler) != SERANET_OK
               || seranet_output_size(filter->upscaler, fi->vi.width, fi->vi.height, &fi->vi.width, &fi->vi.height)
                      != SERANET_OK) {
        result = script_error(env, seranet_last_error());
    } else {
        seranet_each_warning(filter->upscaler, print_warning, NULL);
        seranet_frame *shape = &filter->shape;
        shape->struct_size = sizeof *shape;
        shape->format = format;
        shape->bits = bits;
        /* Range and siting come from each frame's properties (read_properties). */
        shape->matrix = SERANET_MATRIX_BT709;
        shape->width = input_width;
        shape->height = input_height;
        fi->user_data = filter;
        fi->get_frame = get_frame;
        fi->free_filter = free_filter;
        avs_set_to_clip(&result, clip);
        avs_release_clip(clip);
        return result;
    }
    seranet_close(filter->upscaler);
    free(filter);
    avs_release_clip(clip);
    return result;
}

const char *avisynth_c_plugin_init(AVS_ScriptEnvironment *env)
{
    avs_add_function(env, "SeRanetUpscale", "c[model]s[tile]i[scale]f[device]s[precision]s[tta]b", create, NULL);
    return "SeRanetUpscale: SeRanet super-resolution upscaling";
}
