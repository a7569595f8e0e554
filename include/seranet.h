/*
 * seranet.h: the C interface of libseranet, SeRanet.Video's upscaling engine for media tools.
 *
 * One upscaler (an opaque seranet_upscaler) holds one loaded model. Frames are planes: a pointer
 * and a stride in bytes per plane, 8-bit samples (uint8_t) or 9-16-bit samples in little-endian
 * uint16_t (low bits used), as y4m, GStreamer's *_10LE formats, VapourSynth and AviSynth+ store
 * them, or 32-bit float samples (SERANET_BITS_FLOAT, since ABI 2) as VapourSynth's float formats
 * store them. The caller owns every buffer; the library never keeps a pointer past the call that
 * received it.
 *
 * Errors: every function that can fail returns a seranet_status; SERANET_OK (0) is success. The
 * message of the last failure on the calling thread is seranet_last_error(). No C++ or .NET
 * exception ever leaves a call.
 *
 * Threads: calls on different upscalers run in parallel. Calls on one upscaler may come from any
 * thread; the library runs them one at a time (a lock per upscaler), so a host with parallel
 * frame requests may share one upscaler, or open one per worker to run them side by side.
 * seranet_close must not race with other calls on the same upscaler.
 *
 * ABI: structs passed in start with struct_size (set it to sizeof); fields are only ever added
 * at the end, so a caller built against an older header keeps working. A program built against
 * this header needs a library of at least its SERANET_ABI_VERSION (seranet_init_options is new
 * in ABI 3, seranet_warnings in ABI 4).
 */
#ifndef SERANET_H
#define SERANET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a struct grows, a function is added or a field takes a new value. */
#define SERANET_ABI_VERSION 4

/*
 * seranet_frame.bits for 32-bit float samples (float, native byte order), since ABI 2: luma and
 * RGB nominally 0.0 to 1.0, chroma -0.5 to 0.5 (VapourSynth's convention), whatever the range
 * field says. The library upscales them as 16-bit limited-range codes (steps of 1/56064), which
 * keep the footroom and headroom of integer video (luma -0.073 to 1.096, chroma -0.571 to 0.571);
 * values beyond are clipped. A library of ABI 1 rejects them with SERANET_ERROR_ARGUMENT.
 */
#define SERANET_BITS_FLOAT 32

typedef struct seranet_upscaler seranet_upscaler;

typedef enum seranet_status {
    SERANET_OK = 0,
    SERANET_ERROR_ARGUMENT = 1,  /* a null pointer, a bad size, format or option */
    SERANET_ERROR_MODEL = 2,     /* the model could not be found or read */
    SERANET_ERROR_DEVICE = 3,    /* the device asked for is not available */
    SERANET_ERROR_RUNTIME = 4    /* anything else while loading or upscaling */
} seranet_status;

typedef enum seranet_device {
    SERANET_DEVICE_AUTO = 0,     /* CUDA when this build carries it and a GPU is present, else CPU */
    SERANET_DEVICE_CPU = 1,
    SERANET_DEVICE_CUDA = 2
} seranet_device;

/* Plane layouts. Chroma planes of 4:2:0 are ceil(w/2) x ceil(h/2), of 4:2:2 ceil(w/2) x h. */
typedef enum seranet_format {
    SERANET_FORMAT_GRAY = 0,     /* one plane: Y */
    SERANET_FORMAT_YUV420 = 1,   /* Y, U, V */
    SERANET_FORMAT_YUV422 = 2,   /* Y, U, V */
    SERANET_FORMAT_YUV444 = 3,   /* Y, U, V */
    SERANET_FORMAT_RGBP = 4      /* planar R, G, B (VapourSynth, AviSynth+ planar RGB order) */
} seranet_format;

typedef enum seranet_range {
    SERANET_RANGE_LIMITED = 0,   /* Y 16-235, chroma 16-240 at 8 bits (shifted left for more bits) */
    SERANET_RANGE_FULL = 1
} seranet_range;

/* The YCbCr matrix; used only when a model that sees RGB meets YUV planes (shipped models see luma). */
typedef enum seranet_matrix {
    SERANET_MATRIX_BT709 = 0,
    SERANET_MATRIX_BT601 = 1,
    SERANET_MATRIX_BT2020 = 2
} seranet_matrix;

/* Where subsampled chroma sits relative to luma (y4m's 420jpeg, 420mpeg2, 420paldv); kept in the output. */
typedef enum seranet_chroma_siting {
    SERANET_SITING_CENTER = 0,   /* centred both ways (JPEG, y4m's default) */
    SERANET_SITING_LEFT = 1,     /* on the left luma column, centred vertically (MPEG-2, H.264) */
    SERANET_SITING_TOP_LEFT = 2  /* on the top-left luma sample */
} seranet_chroma_siting;

/* The numbers inside the network (seranet_options.precision, since ABI 3). */
typedef enum seranet_precision {
    SERANET_PRECISION_FP32 = 0,  /* float32 throughout */
    SERANET_PRECISION_BF16 = 1   /* bfloat16 weights and activations, on the CPU: faster where the CPU has
                                    bfloat16 kernels (AVX512-BF16, AMX) that pass the library's self-check;
                                    elsewhere the same numbers on float32 kernels, slower than FP32. Either
                                    way the same pictures to within one 8-bit level, and within 0.01 dB of FP32
                                    on the project's public photo set. bfloat16 keeps 8 bits of mantissa, so
                                    16-bit or float samples of an 8-bit picture can come out further from its
                                    8-bit result than that result's own rounding on hard synthetic edges (such
                                    as ffmpeg's testsrc2; not on photos); FP32 stays within it */
} seranet_precision;

typedef struct seranet_options {
    uint32_t struct_size;        /* sizeof(seranet_options); seranet_default_options sets it */
    const char *model;           /* UTF-8 model name or .srnv path; NULL for the default model */
    double scale;                /* overall factor; 0 means 2 */
    int32_t device;              /* a seranet_device */
    int32_t tile;                /* tile side in input pixels; 0 picks one for the memory budget */
    int32_t batch;               /* frames per model pass in seranet_process_batch; 0 means 1 */
    /* Since ABI 3: */
    int32_t precision;           /* a seranet_precision; BF16 runs on the CPU only (with a CUDA device, or
                                    AUTO where it picks CUDA, seranet_open fails with SERANET_ERROR_ARGUMENT) */
    int32_t tta;                 /* nonzero: test-time augmentation, the network run on the eight flips and
                                    quarter turns of each tile and averaged: about 0.1 dB sharper, 8x the time */
    int32_t reserved;            /* zero (see below) */
} seranet_options;
/*
 * Sizes on 64-bit Linux, the platform libseranet is built for: 40 bytes in ABI 2 (its last 4
 * bytes padding, where precision now lies), 48 in ABI 3 and 4. An ABI that grows the struct grows it
 * by whole 8 bytes with no padding at the end (hence reserved), so that struct_size alone tells the library
 * which fields its caller has: it reads a field only from a caller whose struct_size reaches the
 * size of the ABI that added it.
 */

typedef struct seranet_frame {
    uint32_t struct_size;        /* sizeof(seranet_frame) */
    int32_t format;              /* a seranet_format */
    int32_t bits;                /* bits per sample: 8 in uint8_t, 9 to 16 in little-endian uint16_t (low bits),
                                    or SERANET_BITS_FLOAT */
    int32_t range;               /* a seranet_range (what the codes mean); float samples do not use it */
    int32_t matrix;              /* a seranet_matrix */
    int32_t chroma_siting;       /* a seranet_chroma_siting */
    int32_t width;               /* luma (or RGB) width and height in pixels */
    int32_t height;
    void *planes[3];             /* plane pointers; unused planes are NULL */
    ptrdiff_t strides[3];        /* bytes from one row to the next, at least the row's bytes */
} seranet_frame;

/* SERANET_ABI_VERSION of the library that is loaded. */
int32_t seranet_abi_version(void);

/*
 * Fills the first size bytes of *options with the defaults (the default model, scale 2, auto
 * device, auto tile, batch 1, FP32, no TTA) and sets struct_size to size; bytes of fields this
 * library does not know are zeroed. size is the caller's sizeof(seranet_options); a NULL options
 * or a size below 4 or above 4096 is left alone (nothing can be reported). Since ABI 3.
 */
void seranet_init_options(seranet_options *options, uint32_t size);

/*
 * ABI 2's form, kept for programs built against it: fills the fields up to batch only (the
 * 40 bytes of ABI 2's seranet_options, struct_size 40), so that it never writes past an older
 * caller's struct; fields set after it past those 40 bytes are not read. C and C++ built against
 * this header call seranet_init_options through the macro below. Bindings that do not expand C
 * macros (dlsym, ctypes, cgo, bindgen) must call seranet_init_options(options, sizeof) themselves.
 */
void seranet_default_options(seranet_options *options);
#define seranet_default_options(options) seranet_init_options((options), sizeof(seranet_options))

/* Loads the model and prepares the device; *upscaler is NULL on failure. Slow (seconds). */
seranet_status seranet_open(const seranet_options *options, seranet_upscaler **upscaler);

/* The size of the output frame for an input frame of width x height. */
seranet_status seranet_output_size(const seranet_upscaler *upscaler, int32_t width, int32_t height,
                                   int32_t *out_width, int32_t *out_height);

/*
 * Upscales one frame. output describes the caller's buffers: the input's format, bits, range,
 * matrix and siting (float input needs float output), and seranet_output_size's width and height.
 * Chroma planes are upscaled with luma and keep their siting.
 */
seranet_status seranet_process(seranet_upscaler *upscaler, const seranet_frame *input,
                               const seranet_frame *output);

/*
 * Upscales count frames of one size and format, up to options.batch of them per model pass;
 * the same pixels as count calls of seranet_process.
 */
seranet_status seranet_process_batch(seranet_upscaler *upscaler, const seranet_frame *inputs,
                                     const seranet_frame *outputs, int32_t count);

/*
 * What the host should tell its user about how this upscaler runs, in UTF-8, one warning per line
 * (no newline after the last), or "" when there is nothing to say: that this CPU's fast
 * convolutions are wrong and slower exact ones run instead, or that BF16 runs on float32 kernels
 * here (the same pictures, slower than FP32). Known once seranet_open has returned; owned by the
 * upscaler and valid until seranet_close. Like the functions that return a status, it sets
 * seranet_last_error: "" on success; NULL and a message for a NULL upscaler (a closed one must not
 * be passed, as to any function). Since ABI 4.
 */
const char *seranet_warnings(const seranet_upscaler *upscaler);

/*
 * The UTF-8 message of the failure of the latest call on this thread, or "" when that call
 * succeeded. Owned by the library; valid until the next call on this thread.
 */
const char *seranet_last_error(void);

/* Frees the upscaler and its model; NULL is allowed. */
void seranet_close(seranet_upscaler *upscaler);

#ifdef __cplusplus
}
#endif

#endif /* SERANET_H */
