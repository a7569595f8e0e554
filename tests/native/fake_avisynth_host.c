/*
 * A stand-in for AviSynth+ (not packaged for Debian 12) that loads the SeRanetUpscale C plugin
 * the way AviSynth+ does: dlopen, avisynth_c_plugin_init, then the registered function applied
 * to a clip, and frames pulled through the filter. It implements only the functions the plugin
 * calls (src/Hosts/AviSynth/avs_c_subset.h), and prints what a test checks:
 *
 *   fake_avisynth_host PLUGIN.so WIDTH HEIGHT FRAMES IN.yuv OUT.yuv PROPS.yuv
 *     registered NAME PARAMS          the registration strings
 *     output W H PIXEL_TYPE FRAMES    the filter's video info
 *     bad model: MESSAGE              script error for a missing model file
 *     bad precision: MESSAGE          script error for precision "int4"
 *     NAME opens precision P tta T    what seranet_open received (seranet_interpose.h; built with
 *                                     -rdynamic) without precision and tta (plain), with
 *                                     precision "bf16" (bf16), and with tta true (tta)
 *     float clip: MESSAGE             script error for a clip the engine does not take
 *     props output: KEY=VALUE...      the frame properties of the props clip's first output frame
 *     top frame N error: MESSAGE      the error for frames with _ChromaLocation 3 (top)
 * IN.yuv holds FRAMES packed YV12 8-bit frames; OUT.yuv receives the upscaled frames of a clip
 * without frame properties, PROPS.yuv those of a clip with _ColorRange 0 and _ChromaLocation 1,
 * both packed.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avs_c_subset.h"
#include "seranet_interpose.h"

struct AVS_ScriptEnvironment {
    const char *name, *params;
    AVS_ApplyFunc apply;
    void *user_data;
};

#define MAX_PROPS 4
struct AVS_Map {
    int count;
    struct { const char *key; int64_t value; } entries[MAX_PROPS];
};

struct AVS_Clip {
    AVS_VideoInfo vi;
    const unsigned char *frames; /* packed source frames, or NULL for a filter's clip */
    AVS_Map props;               /* the properties every source frame carries */
    AVS_FilterInfo *filter;
    int references;
};

struct AVS_VideoFrame {
    unsigned char *planes[3];
    int pitch[3];
    AVS_Map props;
};

static int plane_index(int plane)
{
    return plane == AVS_PLANAR_U || plane == AVS_PLANAR_G ? 1 : plane == AVS_PLANAR_V || plane == AVS_PLANAR_B ? 2 : 0;
}

static void plane_size(const AVS_VideoInfo *vi, int i, int *w, int *h)
{
    int sub = i > 0 && (vi->pixel_type & AVS_CS_YUV);
    *w = sub && (vi->pixel_type & AVS_CS_SUB_WIDTH_MASK) == AVS_CS_SUB_WIDTH_2 ? (vi->width + 1) / 2 : vi->width;
    *h = sub && (vi->pixel_type & AVS_CS_SUB_HEIGHT_MASK) == AVS_CS_SUB_HEIGHT_2 ? (vi->height + 1) / 2 : vi->height;
}

int avs_get_pitch_p(const AVS_VideoFrame *frame, int plane) { return frame->pitch[plane_index(plane)]; }

const uint8_t *avs_get_read_ptr_p(const AVS_VideoFrame *frame, int plane) { return frame->planes[plane_index(plane)]; }

uint8_t *avs_get_write_ptr_p(const AVS_VideoFrame *frame, int plane) { return frame->planes[plane_index(plane)]; }

void avs_release_video_frame(AVS_VideoFrame *frame)
{
    for (int i = 0; i < 3; i++) {
        free(frame->planes[i]);
    }
    free(frame);
}

void avs_set_to_clip(AVS_Value *value, AVS_Clip *clip)
{
    value->type = 'c';
    value->array_size = 0;
    value->d.clip = clip;
    clip->references++;
}

void avs_release_clip(AVS_Clip *clip)
{
    if (--clip->references > 0) {
        return;
    }
    if (clip->filter != NULL) {
        if (clip->filter->free_filter != NULL) {
            clip->filter->free_filter(clip->filter);
        }
        avs_release_clip(clip->filter->child);
        free(clip->filter);
    }
    free(clip);
}

AVS_VideoFrame *avs_new_video_frame_a(AVS_ScriptEnvironment *env, const AVS_VideoInfo *vi, int align)
{
    (void)env;
    AVS_VideoFrame *frame = calloc(1, sizeof *frame);
    int bytes = (vi->pixel_type & AVS_CS_SAMPLE_BITS_MASK) == AVS_CS_SAMPLE_BITS_8 ? 1 : 2;
    int count = (vi->pixel_type & AVS_CS_INTERLEAVED) ? 1 : 3;
    for (int i = 0; i < count; i++) {
        int w, h;
        plane_size(vi, i, &w, &h);
        frame->pitch[i] = (w * bytes + align - 1) / align * align + align; /* wider than needed, as hosts pad */
        frame->planes[i] = calloc((size_t)frame->pitch[i] * h, 1);
    }
    return frame;
}

const AVS_Map *avs_get_frame_props_ro(AVS_ScriptEnvironment *env, const AVS_VideoFrame *frame)
{
    (void)env;
    return &frame->props;
}

int64_t avs_prop_get_int(AVS_ScriptEnvironment *env, const AVS_Map *map, const char *key, int index, int *error)
{
    (void)env;
    for (int i = 0; i < map->count; i++) {
        if (strcmp(map->entries[i].key, key) == 0) {
            if (error != NULL) {
                *error = index == 0 ? AVS_GETPROPERROR_SUCCESS : AVS_GETPROPERROR_INDEX;
            }
            return index == 0 ? map->entries[i].value : 0;
        }
    }
    if (error != NULL) {
        *error = AVS_GETPROPERROR_UNSET;
    }
    return 0;
}

AVS_VideoFrame *avs_new_video_frame_p_a(AVS_ScriptEnvironment *env, const AVS_VideoInfo *vi, const AVS_VideoFrame *prop_src,
                                        int align)
{
    AVS_VideoFrame *frame = avs_new_video_frame_a(env, vi, align);
    if (prop_src != NULL) {
        frame->props = prop_src->props;
    }
    return frame;
}

static void set_prop(AVS_Map *map, const char *key, int64_t value)
{
    map->entries[map->count].key = key;
    map->entries[map->count].value = value;
    map->count++;
}

AVS_VideoFrame *avs_get_frame(AVS_Clip *clip, int n)
{
    if (clip->filter != NULL) {
        clip->filter->error = NULL;
        return clip->filter->get_frame(clip->filter, n);
    }
    AVS_VideoFrame *frame = avs_new_video_frame_a(NULL, &clip->vi, 32);
    frame->props = clip->props;
    const unsigned char *at = clip->frames;
    for (int k = 0; k <= n; k++) {
        for (int i = 0; i < 3; i++) {
            int w, h;
            plane_size(&clip->vi, i, &w, &h);
            for (int y = 0; y < h; y++, at += w) {
                if (k == n) {
                    memcpy(frame->planes[i] + (size_t)y * frame->pitch[i], at, w);
                }
            }
        }
    }
    return frame;
}

AVS_Clip *avs_new_c_filter(AVS_ScriptEnvironment *env, AVS_FilterInfo **fi, AVS_Value child, int store_child)
{
    (void)store_child;
    AVS_Clip *clip = calloc(1, sizeof *clip);
    clip->filter = calloc(1, sizeof *clip->filter);
    clip->filter->child = child.d.clip;
    clip->filter->child->references++;
    clip->filter->vi = clip->filter->child->vi;
    clip->filter->env = env;
    clip->vi = clip->filter->vi;
    clip->references = 1;
    *fi = clip->filter;
    return clip;
}

char *avs_save_string(AVS_ScriptEnvironment *env, const char *s, int length)
{
    (void)env;
    return length < 0 ? strdup(s) : strndup(s, (size_t)length);
}

int avs_add_function(AVS_ScriptEnvironment *env, const char *name, const char *params, AVS_ApplyFunc apply,
                     void *user_data)
{
    env->name = name;
    env->params = params;
    env->apply = apply;
    env->user_data = user_data;
    return 0;
}

static AVS_Clip *source_clip(int width, int height, int frames, int pixel_type, const unsigned char *data)
{
    AVS_Clip *clip = calloc(1, sizeof *clip);
    clip->vi.width = width;
    clip->vi.height = height;
    clip->vi.fps_numerator = 25;
    clip->vi.fps_denominator = 1;
    clip->vi.num_frames = frames;
    clip->vi.pixel_type = pixel_type;
    clip->frames = data;
    clip->references = 1;
    return clip;
}

/* Applies the registered function to (clip, model, precision, tta) as a script would: every
   argument of its signature (c[model]s[tile]i[scale]f[device]s[precision]s[tta]b), void where not
   given (NULL, or tta < 0). */
static AVS_Value invoke_with(AVS_ScriptEnvironment *env, AVS_Clip *clip, const char *model, const char *precision, int tta)
{
    AVS_Value args[7];
    for (int i = 0; i < 7; i++) {
        args[i].type = 'v';
    }
    avs_set_to_clip(&args[0], clip);
    if (model != NULL) {
        args[1].type = 's';
        args[1].d.string = model;
    }
    if (precision != NULL) {
        args[5].type = 's';
        args[5].d.string = precision;
    }
    if (tta >= 0) {
        args[6].type = 'b';
        args[6].d.boolean = (char)tta;
    }
    AVS_Value array = {.type = 'a', .array_size = 7, .d.array = args};
    AVS_Value result = env->apply(env, array, env->user_data);
    avs_release_clip(clip);
    return result;
}

static AVS_Value invoke(AVS_ScriptEnvironment *env, AVS_Clip *clip, const char *model)
{
    return invoke_with(env, clip, model, NULL, -1);
}

/* Pulls every frame of an upscaled clip into path (when given); prints frame errors. */
static void pull(const char *name, AVS_Clip *upscaled, const char *path)
{
    FILE *out = path != NULL ? fopen(path, "wb") : NULL;
    for (int n = 0; n < upscaled->vi.num_frames; n++) {
        AVS_VideoFrame *frame = avs_get_frame(upscaled, n);
        if (frame == NULL) {
            printf("%sframe %d error: %s\n", name, n, upscaled->filter->error);
            continue;
        }
        if (n == 0 && strcmp(name, "props ") == 0) {
            printf("props output:");
            for (int i = 0; i < frame->props.count; i++) {
                printf(" %s=%lld", frame->props.entries[i].key, (long long)frame->props.entries[i].value);
            }
            printf("\n");
        }
        for (int i = 0; out != NULL && i < 3; i++) {
            int w, h;
            plane_size(&upscaled->vi, i, &w, &h);
            for (int y = 0; y < h; y++) {
                fwrite(frame->planes[i] + (size_t)y * frame->pitch[i], 1, w, out);
            }
        }
        avs_release_video_frame(frame);
    }
    if (out != NULL) {
        fclose(out);
    }
}

/* The upscaled clip for a source clip, as a script's SeRanetUpscale(clip) gives it, or NULL. */
/* What seranet_open receives for SeRanetUpscale(clip, precision=, tta=); the clip is released unused. */
static void print_open(AVS_ScriptEnvironment *env, const char *name, AVS_Clip *source, const char *precision, int tta)
{
    AVS_Value result = invoke_with(env, source, NULL, precision, tta);
    printf("%s opens precision %d tta %d%s\n", name, opened_precision, opened_tta, result.type == 'e' ? result.d.string : "");
    if (result.type == 'c') {
        avs_release_clip(result.d.clip);
    }
}

static AVS_Clip *upscale(AVS_ScriptEnvironment *env, AVS_Clip *source)
{
    AVS_Value result = invoke(env, source, NULL);
    if (result.type != 'c') {
        printf("error: %s\n", result.type == 'e' ? result.d.string : "(not a clip)");
        return NULL;
    }
    AVS_Clip *upscaled = result.d.clip;
    /* As AviSynth+ does, the filter's video info is read after its function returned. */
    upscaled->vi = upscaled->filter->vi;
    return upscaled;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: %s PLUGIN.so WIDTH HEIGHT FRAMES IN.yuv OUT.yuv PROPS.yuv\n", argv[0]);
        return 2;
    }
    int width = atoi(argv[2]), height = atoi(argv[3]), frames = atoi(argv[4]);
    void *plugin = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (plugin == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    const char *(*init)(AVS_ScriptEnvironment *) = (const char *(*)(AVS_ScriptEnvironment *))dlsym(plugin, "avisynth_c_plugin_init");
    if (init == NULL) {
        fprintf(stderr, "no avisynth_c_plugin_init\n");
        return 2;
    }
    AVS_ScriptEnvironment env = {0};
    const char *said = init(&env);
    printf("registered %s %s\n", env.name, env.params);
    printf("plugin says %s\n", said);

    size_t frame_bytes = (size_t)width * height + 2 * (size_t)((width + 1) / 2) * ((height + 1) / 2);
    unsigned char *data = malloc(frame_bytes * frames);
    FILE *in = fopen(argv[5], "rb");
    if (in == NULL || fread(data, 1, frame_bytes * frames, in) != frame_bytes * frames) {
        fprintf(stderr, "cannot read %s\n", argv[5]);
        return 2;
    }
    fclose(in);

    AVS_Value bad = invoke(&env, source_clip(width, height, frames, AVS_CS_YV12, data), "/nonexistent/model.srnv");
    printf("bad model: %s\n", bad.type == 'e' ? bad.d.string : "(no error)");
    AVS_Value imprecise = invoke_with(&env, source_clip(width, height, frames, AVS_CS_YV12, data), NULL, "int4", -1);
    printf("bad precision: %s\n", imprecise.type == 'e' ? imprecise.d.string : "(no error)");
    print_open(&env, "plain", source_clip(width, height, frames, AVS_CS_YV12, data), NULL, -1);
    print_open(&env, "bf16", source_clip(width, height, frames, AVS_CS_YV12, data), "bf16", 0);
    print_open(&env, "tta", source_clip(width, height, frames, AVS_CS_YV12, data), "fp32", 1);
    AVS_Value floating = invoke(&env, source_clip(width, height, frames, AVS_CS_Y8 | AVS_CS_SAMPLE_BITS_32, data), NULL);
    printf("float clip: %s\n", floating.type == 'e' ? floating.d.string : "(no error)");

    AVS_Clip *upscaled = upscale(&env, source_clip(width, height, frames, AVS_CS_YV12, data));
    if (upscaled == NULL) {
        return 3;
    }
    printf("output %d %d %d %d\n", upscaled->vi.width, upscaled->vi.height, upscaled->vi.pixel_type, upscaled->vi.num_frames);
    pull("", upscaled, argv[6]);
    avs_release_clip(upscaled);

    AVS_Clip *props = source_clip(width, height, frames, AVS_CS_YV12, data);
    set_prop(&props->props, "_ColorRange", 0);
    set_prop(&props->props, "_ChromaLocation", 1);
    if ((upscaled = upscale(&env, props)) == NULL) {
        return 3;
    }
    pull("props ", upscaled, argv[7]);
    avs_release_clip(upscaled);

    AVS_Clip *top = source_clip(width, height, frames, AVS_CS_YV12, data);
    set_prop(&top->props, "_ChromaLocation", 3);
    if ((upscaled = upscale(&env, top)) == NULL) {
        return 3;
    }
    pull("top ", upscaled, NULL);
    avs_release_clip(upscaled);
    printf("done\n");
    return 0;
}
