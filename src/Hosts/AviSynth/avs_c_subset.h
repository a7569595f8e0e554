/*
 * The part of the AviSynth+ C interface (avisynth_c.h, interface V8 and later) that
 * seranet_avs.c uses, declared here in the order avisynth_c.h declares it, so the plugin builds
 * without AviSynth+ installed (Debian 12 does not package it). The frame-property functions need
 * interface V8 (AviSynth+ 3.6), which the _p frame accessors need already. Struct layouts follow AviSynth+'s
 * x86-64 ABI; the test suite's stand-in host (tests/native/fake_avisynth_host.c) implements these.
 */
#ifndef SERANET_AVS_C_SUBSET_H
#define SERANET_AVS_C_SUBSET_H

#include <stdint.h>

/* Plane selectors for the frame accessors. */
enum {
    AVS_PLANAR_Y = 1 << 0,
    AVS_PLANAR_U = 1 << 1,
    AVS_PLANAR_V = 1 << 2,
    AVS_PLANAR_R = 1 << 5,
    AVS_PLANAR_G = 1 << 6,
    AVS_PLANAR_B = 1 << 7
};

/* pixel_type bits: family flags, chroma subsampling (log2 + 1 style codes) and sample size. */
enum {
    AVS_CS_BGR = 1 << 28,
    AVS_CS_YUV = 1 << 29,
    AVS_CS_INTERLEAVED = 1 << 30,
    AVS_CS_PLANAR = (int)(1u << 31),
    AVS_CS_SUB_WIDTH_MASK = 7,
    AVS_CS_SUB_WIDTH_1 = 3,
    AVS_CS_SUB_WIDTH_2 = 0,
    AVS_CS_SUB_HEIGHT_MASK = 7 << 8,
    AVS_CS_SUB_HEIGHT_1 = 3 << 8,
    AVS_CS_SUB_HEIGHT_2 = 0 << 8,
    AVS_CS_SAMPLE_BITS_MASK = 7 << 16,
    AVS_CS_SAMPLE_BITS_8 = 0 << 16,
    AVS_CS_SAMPLE_BITS_16 = 1 << 16,
    AVS_CS_SAMPLE_BITS_32 = 2 << 16,
    AVS_CS_SAMPLE_BITS_10 = 5 << 16,
    AVS_CS_SAMPLE_BITS_12 = 6 << 16,
    AVS_CS_SAMPLE_BITS_14 = 7 << 16,
    AVS_CS_RGB_TYPE = 1 << 0,
    AVS_CS_VPLANEFIRST = 1 << 3,
    AVS_CS_YV12 = AVS_CS_PLANAR | AVS_CS_YUV | AVS_CS_VPLANEFIRST | AVS_CS_SUB_WIDTH_2 | AVS_CS_SUB_HEIGHT_2,
    AVS_CS_Y8 = AVS_CS_PLANAR | AVS_CS_INTERLEAVED | AVS_CS_YUV
};

typedef struct AVS_Clip AVS_Clip;
typedef struct AVS_ScriptEnvironment AVS_ScriptEnvironment;

typedef struct AVS_VideoInfo {
    int width, height;
    unsigned fps_numerator, fps_denominator;
    int num_frames;
    int pixel_type;
    int audio_samples_per_second;
    int sample_type;
    int64_t num_audio_samples;
    int nchannels;
    int image_type;
} AVS_VideoInfo;

/* Opaque to plugins: reached only through the accessors below. */
typedef struct AVS_VideoFrame AVS_VideoFrame;

int avs_get_pitch_p(const AVS_VideoFrame *frame, int plane);
const uint8_t *avs_get_read_ptr_p(const AVS_VideoFrame *frame, int plane);
uint8_t *avs_get_write_ptr_p(const AVS_VideoFrame *frame, int plane);
void avs_release_video_frame(AVS_VideoFrame *frame);

/* A script value: 'c'lip, 'b'ool, 'i'nt, 'f'loat, 's'tring, 'a'rray, 'e'rror or 'v'oid. */
typedef struct AVS_Value AVS_Value;
struct AVS_Value {
    short type;
    short array_size;
    union {
        void *clip;
        char boolean;
        int integer;
        float floating_pt;
        const char *string;
        const AVS_Value *array;
        void *function;
        int64_t longlong;
        double double_pt;
    } d;
};

/* The value helpers avisynth_c.h defines inline (no library call). */
static inline int avs_defined(AVS_Value v) { return v.type != 'v'; }
static inline int avs_as_int(AVS_Value v) { return v.type == 'l' ? (int)v.d.longlong : v.d.integer; }
static inline double avs_as_float(AVS_Value v)
{
    return v.type == 'i' ? v.d.integer : v.type == 'l' ? (double)v.d.longlong : v.type == 'd' ? v.d.double_pt : v.d.floating_pt;
}
static inline int avs_as_bool(AVS_Value v) { return v.d.boolean; }
static inline const char *avs_as_string(AVS_Value v) { return v.type == 's' || v.type == 'e' ? v.d.string : 0; }
static inline AVS_Value avs_array_elt(AVS_Value v, int index) { return v.type == 'a' ? v.d.array[index] : v; }
static inline AVS_Value avs_new_value_error(const char *message)
{
    AVS_Value v;
    v.type = 'e';
    v.array_size = 0;
    v.d.string = message;
    return v;
}

void avs_set_to_clip(AVS_Value *value, AVS_Clip *clip);
void avs_release_clip(AVS_Clip *clip);
AVS_VideoFrame *avs_get_frame(AVS_Clip *clip, int n);

typedef AVS_Value (*AVS_ApplyFunc)(AVS_ScriptEnvironment *env, AVS_Value args, void *user_data);

typedef struct AVS_FilterInfo AVS_FilterInfo;
struct AVS_FilterInfo {
    AVS_Clip *child;
    AVS_VideoInfo vi;
    AVS_ScriptEnvironment *env;
    AVS_VideoFrame *(*get_frame)(AVS_FilterInfo *, int n);
    int (*get_parity)(AVS_FilterInfo *, int n);
    int (*get_audio)(AVS_FilterInfo *, void *buf, int64_t start, int64_t count);
    int (*set_cache_hints)(AVS_FilterInfo *, int cachehints, int frame_range);
    void (*free_filter)(AVS_FilterInfo *);
    const char *error;
    void *user_data;
};

AVS_Clip *avs_new_c_filter(AVS_ScriptEnvironment *env, AVS_FilterInfo **fi, AVS_Value child, int store_child);

char *avs_save_string(AVS_ScriptEnvironment *env, const char *s, int length);
int avs_add_function(AVS_ScriptEnvironment *env, const char *name, const char *params, AVS_ApplyFunc apply,
                     void *user_data);
AVS_VideoFrame *avs_new_video_frame_a(AVS_ScriptEnvironment *env, const AVS_VideoInfo *vi, int align);

/* Frame properties (interface V8, AviSynth+ 3.6 and later). */
typedef struct AVS_Map AVS_Map;

/* avs_prop_get_* error codes: 0 success, else the key is absent, of another type, or too short. */
enum { AVS_GETPROPERROR_SUCCESS = 0, AVS_GETPROPERROR_UNSET = 1, AVS_GETPROPERROR_TYPE = 2, AVS_GETPROPERROR_INDEX = 4 };

const AVS_Map *avs_get_frame_props_ro(AVS_ScriptEnvironment *env, const AVS_VideoFrame *frame);
int64_t avs_prop_get_int(AVS_ScriptEnvironment *env, const AVS_Map *map, const char *key, int index, int *error);
/* A new frame carrying prop_src's properties. */
AVS_VideoFrame *avs_new_video_frame_p_a(AVS_ScriptEnvironment *env, const AVS_VideoInfo *vi, const AVS_VideoFrame *prop_src,
                                        int align);

/* The plugin's entry point, looked up by name when AviSynth+ loads the library. */
const char *avisynth_c_plugin_init(AVS_ScriptEnvironment *env);

#endif /* SERANET_AVS_C_SUBSET_H */
