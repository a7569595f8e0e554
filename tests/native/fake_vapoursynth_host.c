/*
 * A stand-in for VapourSynth (not packaged for Debian 12) that loads the seranet plugin the way
 * VapourSynth's core does: dlopen, VapourSynthPluginInit2 with a plugin API, the registered
 * function called with an argument map, and frames pulled through the filter's getframe in two
 * activations. As VapourSynth does for a parallel-requests filter with many frames wanted at
 * once, it first makes the request activation (arInitial) of every frame, then the ready
 * activations (arAllFramesReady) one after the other, handing the filter only the source frames
 * it requested. It fills only the VSAPI members the plugin calls (src/Hosts/VapourSynth/vs4_subset.h).
 *
 * Built with -rdynamic, it also defines seranet_process and seranet_process_batch, which the
 * plugin's calls bind to (the executable comes first in symbol lookup); they count the calls and
 * frames and pass them on to libseranet's own functions. seranet_open is noted the same way
 * (seranet_interpose.h).
 *
 *   fake_vapoursynth_host PLUGIN.so WIDTH HEIGHT FRAMES IN.yuv OUTDIR
 * IN.yuv holds FRAMES packed YUV420P8 frames (limited range). It prints what a test checks:
 *   config ID NAMESPACE NAME api MAJOR.MINOR     configPlugin's strings
 *   registered NAME ARGS RETURN                  registerFunction's strings
 *   bad model: MESSAGE                           the map error for a missing model file
 *   half clip: MESSAGE                           the map error for a 16-bit float clip
 *   bad batch: MESSAGE                           the map error for batch=0
 *   bad precision: MESSAGE                       the map error for precision="int4"
 *   plain|bf16|tta opens precision P tta T       what seranet_open received without the two
 *                                                arguments, with precision="bf16", and with tta=1
 *   log TYPE MESSAGE                             a logMessage call, before the line of the call
 *                                                of Upscale that made it
 * and for each case (one call of Upscale on a clip made from IN.yuv, all frames pulled):
 *   CASE output W H FAMILY SAMPLETYPE BITS SUBW SUBH N MODE   the filter's video info and mode
 *   CASE calls BATCHCALLS FRAMES LARGEST SINGLECALLS         libseranet calls during the frames
 *   CASE frame N error: MESSAGE                              a frame's error
 * Cases: int (8-bit, no frame properties) -> OUTDIR/int.yuv; props (8-bit, _ColorRange 0,
 * _ChromaLocation 1) -> props.yuv; float (32-bit float: Y (v-16)/219, U and V (v-128)/224,
 * _ChromaLocation 1) -> float.f32, packed native floats; top (_ChromaLocation 3 on 4:2:0), an error.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seranet.h"
#include "seranet_interpose.h"
#include "vs4_subset.h"

#define MAX_KEYS 8
struct VSMap {
    int count;
    struct { const char *key; char type; int64_t i; double f; const char *data; VSNode *node; } entries[MAX_KEYS];
    char error[1024];
};

struct VSFrame {
    VSVideoFormat format;
    int width, height;
    uint8_t *planes[3];
    ptrdiff_t stride[3];
    VSMap props;
};

struct VSNode {
    VSVideoInfo vi;
    const uint8_t *frames; /* packed 8-bit source frames, or NULL for a filter */
    VSMap props;           /* the properties every source frame carries */
    VSFilterGetFrame get_frame;
    VSFilterFree free;
    void *instance;
    int mode;
    int request_pattern;
};

#define MAX_REQUESTS 128
struct VSFrameContext {
    int requested[MAX_REQUESTS];
    int request_count;
    char error[1024];
};

/* libseranet calls made by the plugin, counted on their way through. */
static int batch_calls, batch_frames, largest_batch, single_calls;

seranet_status seranet_process_batch(seranet_upscaler *upscaler, const seranet_frame *inputs,
                                     const seranet_frame *outputs, int32_t count)
{
    seranet_status (*next)(seranet_upscaler *, const seranet_frame *, const seranet_frame *, int32_t) =
        (seranet_status(*)(seranet_upscaler *, const seranet_frame *, const seranet_frame *, int32_t))libseranet_function("seranet_process_batch");
    batch_calls++;
    batch_frames += count;
    largest_batch = count > largest_batch ? count : largest_batch;
    return next(upscaler, inputs, outputs, count);
}

seranet_status seranet_process(seranet_upscaler *upscaler, const seranet_frame *input, const seranet_frame *output)
{
    seranet_status (*next)(seranet_upscaler *, const seranet_frame *, const seranet_frame *) =
        (seranet_status(*)(seranet_upscaler *, const seranet_frame *, const seranet_frame *))libseranet_function("seranet_process");
    single_calls++;
    return next(upscaler, input, output);
}

static const VSAPI *api(void);

static void plane_size(const VSVideoFormat *f, int width, int height, int i, int *w, int *h)
{
    *w = i > 0 ? (width + (1 << f->subSamplingW) - 1) >> f->subSamplingW : width;
    *h = i > 0 ? (height + (1 << f->subSamplingH) - 1) >> f->subSamplingH : height;
}

static VSFrame *new_video_frame(const VSVideoFormat *format, int width, int height, const VSFrame *prop_src, VSCore *core)
{
    (void)core;
    VSFrame *frame = calloc(1, sizeof *frame);
    frame->format = *format;
    frame->width = width;
    frame->height = height;
    if (prop_src != NULL) {
        frame->props = prop_src->props;
    }
    for (int i = 0; i < format->numPlanes; i++) {
        int w, h;
        plane_size(format, width, height, i, &w, &h);
        frame->stride[i] = ((ptrdiff_t)w * format->bytesPerSample + 63) / 64 * 64 + 64; /* padded, as VapourSynth's are */
        frame->planes[i] = calloc((size_t)frame->stride[i] * h, 1);
    }
    return frame;
}

static void free_frame(const VSFrame *f)
{
    VSFrame *frame = (VSFrame *)f;
    for (int i = 0; i < 3; i++) {
        free(frame->planes[i]);
    }
    free(frame);
}

static ptrdiff_t get_stride(const VSFrame *f, int plane) { return f->stride[plane]; }
static const uint8_t *get_read_ptr(const VSFrame *f, int plane) { return f->planes[plane]; }
static uint8_t *get_write_ptr(VSFrame *f, int plane) { return f->planes[plane]; }
static const VSMap *get_frame_properties_ro(const VSFrame *f) { return &f->props; }
static void free_node(VSNode *node) { (void)node; /* the host owns its nodes for the whole run */ }
static const VSVideoInfo *get_video_info(VSNode *node) { return &node->vi; }

static void request_frame_filter(int n, VSNode *node, VSFrameContext *context)
{
    (void)node;
    if (context->request_count < MAX_REQUESTS) {
        context->requested[context->request_count++] = n;
    }
}

/* Source frame n of a source node: the packed 8-bit frame, as floats for a float clip. */
static const VSFrame *source_frame(VSNode *node, int n)
{
    VSFrame *frame = new_video_frame(&node->vi.format, node->vi.width, node->vi.height, NULL, NULL);
    frame->props = node->props;
    const uint8_t *at = node->frames;
    for (int k = 0; k <= n; k++) {
        for (int i = 0; i < 3; i++) {
            int w, h;
            plane_size(&node->vi.format, node->vi.width, node->vi.height, i, &w, &h);
            for (int y = 0; y < h; y++, at += w) {
                if (k != n) {
                    continue;
                }
                uint8_t *row = frame->planes[i] + (size_t)y * frame->stride[i];
                if (node->vi.format.sampleType == stFloat) {
                    for (int x = 0; x < w; x++) {
                        ((float *)row)[x] = i == 0 ? (at[x] - 16) / 219.0f : (at[x] - 128) / 224.0f;
                    }
                } else {
                    memcpy(row, at, w);
                }
            }
        }
    }
    return frame;
}

/* Only frames the filter requested in its request activation are there in the ready one. */
static const VSFrame *get_frame_filter(int n, VSNode *node, VSFrameContext *context)
{
    for (int i = 0; i < context->request_count; i++) {
        if (context->requested[i] == n) {
            return source_frame(node, n);
        }
    }
    printf("frame %d was read without being requested\n", n);
    return NULL;
}

static void set_filter_error(const char *message, VSFrameContext *context)
{
    snprintf(context->error, sizeof context->error, "%s", message);
}

static void map_set_error(VSMap *map, const char *message) { snprintf(map->error, sizeof map->error, "%s", message); }

static int find(const VSMap *map, const char *key, char type, int *error)
{
    for (int i = 0; i < map->count; i++) {
        if (strcmp(map->entries[i].key, key) == 0) {
            if (map->entries[i].type != type) {
                if (error) *error = peType;
                return -1;
            }
            if (error) *error = peSuccess;
            return i;
        }
    }
    if (error == NULL) {
        fprintf(stderr, "fatal: key %s read without an error pointer but absent\n", key);
        exit(5);
    }
    *error = peUnset;
    return -1;
}

static int64_t map_get_int(const VSMap *map, const char *key, int index, int *error)
{
    (void)index;
    int i = find(map, key, 'i', error);
    return i < 0 ? 0 : map->entries[i].i;
}

static double map_get_float(const VSMap *map, const char *key, int index, int *error)
{
    (void)index;
    int i = find(map, key, 'f', error);
    return i < 0 ? 0 : map->entries[i].f;
}

static const char *map_get_data(const VSMap *map, const char *key, int index, int *error)
{
    (void)index;
    int i = find(map, key, 'd', error);
    return i < 0 ? NULL : map->entries[i].data;
}

static VSNode *map_get_node(const VSMap *map, const char *key, int index, int *error)
{
    (void)index;
    int i = find(map, key, 'n', error);
    return i < 0 ? NULL : map->entries[i].node;
}

static void set_node(VSMap *map, const char *key, VSNode *node)
{
    map->entries[map->count].key = key;
    map->entries[map->count].type = 'n';
    map->entries[map->count].node = node;
    map->count++;
}

static void set_int(VSMap *map, const char *key, int64_t value)
{
    map->entries[map->count].key = key;
    map->entries[map->count].type = 'i';
    map->entries[map->count].i = value;
    map->count++;
}

static void create_video_filter(VSMap *out, const char *name, const VSVideoInfo *vi, VSFilterGetFrame get_frame,
                                VSFilterFree free_instance, int mode, const VSFilterDependency *dependencies,
                                int count, void *instance, VSCore *core)
{
    (void)name;
    (void)core;
    VSNode *node = calloc(1, sizeof *node);
    node->vi = *vi;
    node->get_frame = get_frame;
    node->free = free_instance;
    node->instance = instance;
    node->mode = mode;
    node->request_pattern = count > 0 ? dependencies[0].requestPattern : -1;
    set_node(out, "clip", node);
}

static void log_message(int type, const char *message, VSCore *core)
{
    (void)core;
    printf("log %d %s\n", type, message);
}

static const VSAPI *api(void)
{
    static VSAPI table;
    table.createVideoFilter = create_video_filter;
    table.freeNode = free_node;
    table.getVideoInfo = get_video_info;
    table.newVideoFrame = new_video_frame;
    table.freeFrame = free_frame;
    table.getFramePropertiesRO = get_frame_properties_ro;
    table.getStride = get_stride;
    table.getReadPtr = get_read_ptr;
    table.getWritePtr = get_write_ptr;
    table.getFrameFilter = get_frame_filter;
    table.requestFrameFilter = request_frame_filter;
    table.setFilterError = set_filter_error;
    table.mapSetError = map_set_error;
    table.mapGetInt = map_get_int;
    table.mapGetFloat = map_get_float;
    table.mapGetData = map_get_data;
    table.mapGetNode = map_get_node;
    table.logMessage = log_message;
    return &table;
}

static VSPublicFunction registered;
static int plugin_api_version(void) { return VAPOURSYNTH_API_VERSION; }

static int config_plugin(const char *id, const char *ns, const char *name, int version, int api_version, int flags,
                         VSPlugin *plugin)
{
    (void)flags;
    (void)plugin;
    printf("config %s %s %s version %d.%d api %d.%d\n", id, ns, name, version >> 16, version & 0xffff, api_version >> 16,
           api_version & 0xffff);
    return 1;
}

static int register_function(const char *name, const char *args, const char *return_type, VSPublicFunction function,
                             void *data, VSPlugin *plugin)
{
    (void)data;
    (void)plugin;
    printf("registered %s %s %s\n", name, args, return_type);
    registered = function;
    return 1;
}

static VSNode *source_node(int width, int height, int frames, int sample_type, int bits, const uint8_t *data)
{
    VSNode *node = calloc(1, sizeof *node);
    node->vi.format = (VSVideoFormat){cfYUV, sample_type, bits, bits > 16 ? 4 : bits > 8 ? 2 : 1, 1, 1, 3};
    node->vi.fpsNum = 25;
    node->vi.fpsDen = 1;
    node->vi.width = width;
    node->vi.height = height;
    node->vi.numFrames = frames;
    node->frames = data;
    return node;
}

static void set_data(VSMap *map, const char *key, const char *data)
{
    map->entries[map->count].key = key;
    map->entries[map->count].type = 'd';
    map->entries[map->count].data = data;
    map->count++;
}

/* Upscale(clip, model=, batch=, precision=, tta=) with the arguments that are not NULL or -1. */
static VSMap *call_with(VSNode *clip, const char *model, int batch, const char *precision, int tta)
{
    VSMap in = {0};
    VSMap *out = calloc(1, sizeof *out);
    set_node(&in, "clip", clip);
    if (model != NULL) {
        set_data(&in, "model", model);
    }
    if (batch >= 0) {
        set_int(&in, "batch", batch);
    }
    if (precision != NULL) {
        set_data(&in, "precision", precision);
    }
    if (tta >= 0) {
        set_int(&in, "tta", tta);
    }
    registered(&in, out, NULL, NULL, api());
    return out;
}

static VSMap *call(VSNode *clip, const char *model, int batch)
{
    return call_with(clip, model, batch, NULL, -1);
}

/* What seranet_open receives for Upscale(clip, precision=, tta=); the filter is freed unused. */
static void print_open(const char *name, VSNode *clip, const char *precision, int tta)
{
    VSMap *out = call_with(clip, NULL, -1, precision, tta);
    printf("%s opens precision %d tta %d%s\n", name, opened_precision, opened_tta, out->error);
    if (out->error[0] == '\0') {
        VSNode *upscaled = map_get_node(out, "clip", 0, NULL);
        upscaled->free(upscaled->instance, NULL, api());
    }
    free(out);
}

/* One Upscale call on source, every frame pulled as VapourSynth would, written to path when given. */
static int run_case(const char *name, VSNode *source, const char *path)
{
    VSMap *out = call(source, NULL, -1);
    if (out->error[0] != '\0') {
        printf("%s error: %s\n", name, out->error);
        return 3;
    }
    VSNode *upscaled = map_get_node(out, "clip", 0, NULL);
    const VSVideoInfo *vi = &upscaled->vi;
    printf("%s output %d %d %d %d %d %d %d %d %d\n", name, vi->width, vi->height, vi->format.colorFamily,
           vi->format.sampleType, vi->format.bitsPerSample, vi->format.subSamplingW, vi->format.subSamplingH,
           vi->numFrames, upscaled->mode);
    batch_calls = batch_frames = largest_batch = single_calls = 0;
    int frames = vi->numFrames;
    VSFrameContext *contexts = calloc((size_t)frames, sizeof *contexts);
    void **frame_data = calloc((size_t)frames, sizeof *frame_data);
    for (int n = 0; n < frames; n++) {
        if (upscaled->get_frame(n, arInitial, upscaled->instance, &frame_data[n], &contexts[n], NULL, api()) != NULL
            || contexts[n].request_count < 1) {
            printf("%s frame %d: the request activation must request frames and return none\n", name, n);
            return 4;
        }
    }
    FILE *output = path != NULL ? fopen(path, "wb") : NULL;
    for (int n = 0; n < frames; n++) {
        const VSFrame *frame =
            upscaled->get_frame(n, arAllFramesReady, upscaled->instance, &frame_data[n], &contexts[n], NULL, api());
        if (frame == NULL) {
            printf("%s frame %d error: %s\n", name, n, contexts[n].error);
            continue;
        }
        for (int i = 0; output != NULL && i < 3; i++) {
            int w, h;
            plane_size(&vi->format, vi->width, vi->height, i, &w, &h);
            for (int y = 0; y < h; y++) {
                fwrite(frame->planes[i] + (size_t)y * frame->stride[i], (size_t)vi->format.bytesPerSample, (size_t)w, output);
            }
        }
        free_frame(frame);
    }
    if (output != NULL) {
        fclose(output);
    }
    printf("%s calls %d %d %d %d\n", name, batch_calls, batch_frames, largest_batch, single_calls);
    upscaled->free(upscaled->instance, NULL, api());
    free(contexts);
    free(frame_data);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s PLUGIN.so WIDTH HEIGHT FRAMES IN.yuv OUTDIR\n", argv[0]);
        return 2;
    }
    int width = atoi(argv[2]), height = atoi(argv[3]), frames = atoi(argv[4]);
    void *plugin = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (plugin == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    void (*init)(VSPlugin *, const VSPLUGINAPI *) = (void (*)(VSPlugin *, const VSPLUGINAPI *))dlsym(plugin, "VapourSynthPluginInit2");
    if (init == NULL) {
        fprintf(stderr, "no VapourSynthPluginInit2\n");
        return 2;
    }
    VSPLUGINAPI plugin_api = {plugin_api_version, config_plugin, register_function};
    init(NULL, &plugin_api);

    size_t frame_bytes = (size_t)width * height + 2 * (size_t)((width + 1) / 2) * ((height + 1) / 2);
    uint8_t *data = malloc(frame_bytes * frames);
    FILE *in = fopen(argv[5], "rb");
    if (in == NULL || fread(data, 1, frame_bytes * frames, in) != frame_bytes * frames) {
        fprintf(stderr, "cannot read %s\n", argv[5]);
        return 2;
    }
    fclose(in);
    char path[4096];

    printf("bad model: %s\n", call(source_node(width, height, frames, stInteger, 8, data), "/nonexistent/model.srnv", -1)->error);
    printf("half clip: %s\n", call(source_node(width, height, frames, stFloat, 16, data), NULL, -1)->error);
    printf("bad batch: %s\n", call(source_node(width, height, frames, stInteger, 8, data), NULL, 0)->error);
    printf("bad precision: %s\n", call_with(source_node(width, height, frames, stInteger, 8, data), NULL, -1, "int4", -1)->error);
    print_open("plain", source_node(width, height, frames, stInteger, 8, data), NULL, -1);
    print_open("bf16", source_node(width, height, frames, stInteger, 8, data), "bf16", 0);
    print_open("tta", source_node(width, height, frames, stInteger, 8, data), "fp32", 1);

    snprintf(path, sizeof path, "%s/int.yuv", argv[6]);
    int status = run_case("int", source_node(width, height, frames, stInteger, 8, data), path);

    VSNode *props = source_node(width, height, frames, stInteger, 8, data);
    set_int(&props->props, "_ColorRange", 0);
    set_int(&props->props, "_ChromaLocation", 1);
    snprintf(path, sizeof path, "%s/props.yuv", argv[6]);
    status = status ? status : run_case("props", props, path);

    VSNode *floating = source_node(width, height, frames, stFloat, 32, data);
    set_int(&floating->props, "_ChromaLocation", 1);
    snprintf(path, sizeof path, "%s/float.f32", argv[6]);
    status = status ? status : run_case("float", floating, path);

    VSNode *top = source_node(width, height, frames, stInteger, 8, data);
    set_int(&top->props, "_ChromaLocation", 3);
    status = status ? status : run_case("top", top, NULL);
    printf("done\n");
    return status;
}
