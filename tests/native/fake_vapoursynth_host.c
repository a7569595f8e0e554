/*
 * A stand-in for VapourSynth (not packaged for Debian 12) that loads the seranet plugin the way
 * VapourSynth's core does: dlopen, VapourSynthPluginInit2 with a plugin API, the registered
 * function called with an argument map, and frames pulled through the filter's getframe in
 * two activations (request, then all frames ready). It fills only the VSAPI members the plugin
 * calls (src/Hosts/VapourSynth/vs4_subset.h) and prints what a test checks:
 *
 *   fake_vapoursynth_host PLUGIN.so WIDTH HEIGHT FRAMES IN.yuv OUT.yuv
 *     config ID NAMESPACE NAME              configPlugin's strings
 *     registered NAME ARGS RETURN           registerFunction's strings
 *     output W H FAMILY BITS SUBW SUBH N MODE   the filter's video info and filter mode
 *     bad model: MESSAGE                    the map error for a missing model file
 *     float clip: MESSAGE                   the map error for a 32-bit float clip
 * IN.yuv holds FRAMES packed YUV420P8 frames; OUT.yuv receives the upscaled frames, packed.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs4_subset.h"

struct VSFrame {
    VSVideoFormat format;
    int width, height;
    uint8_t *planes[3];
    ptrdiff_t stride[3];
};

struct VSNode {
    VSVideoInfo vi;
    const uint8_t *frames; /* packed source frames, or NULL for a filter */
    VSFilterGetFrame get_frame;
    VSFilterFree free;
    void *instance;
    int mode;
};

struct VSFrameContext {
    const VSFrame *ready; /* the source frame handed over in arAllFramesReady */
    int requested;
    char error[1024];
};

#define MAX_KEYS 8
struct VSMap {
    int count;
    struct { const char *key; char type; int64_t i; double f; const char *data; VSNode *node; } entries[MAX_KEYS];
    char error[1024];
};

static const VSAPI *api(void);

static void plane_size(const VSVideoFormat *f, int width, int height, int i, int *w, int *h)
{
    *w = i > 0 ? (width + (1 << f->subSamplingW) - 1) >> f->subSamplingW : width;
    *h = i > 0 ? (height + (1 << f->subSamplingH) - 1) >> f->subSamplingH : height;
}

static VSFrame *new_video_frame(const VSVideoFormat *format, int width, int height, const VSFrame *prop_src, VSCore *core)
{
    (void)prop_src;
    (void)core;
    VSFrame *frame = calloc(1, sizeof *frame);
    frame->format = *format;
    frame->width = width;
    frame->height = height;
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
static void free_node(VSNode *node) { (void)node; /* the host owns its nodes for the whole run */ }
static const VSVideoInfo *get_video_info(VSNode *node) { return &node->vi; }

static void request_frame_filter(int n, VSNode *node, VSFrameContext *context)
{
    (void)n;
    (void)node;
    context->requested++;
}

static const VSFrame *source_frame(VSNode *node, int n)
{
    VSFrame *frame = new_video_frame(&node->vi.format, node->vi.width, node->vi.height, NULL, NULL);
    const uint8_t *at = node->frames;
    for (int k = 0; k <= n; k++) {
        for (int i = 0; i < 3; i++) {
            int w, h;
            plane_size(&node->vi.format, node->vi.width, node->vi.height, i, &w, &h);
            for (int y = 0; y < h; y++, at += w) {
                if (k == n) {
                    memcpy(frame->planes[i] + (size_t)y * frame->stride[i], at, w);
                }
            }
        }
    }
    return frame;
}

static const VSFrame *get_frame_filter(int n, VSNode *node, VSFrameContext *context)
{
    (void)n;
    (void)node;
    return context->ready;
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

static void create_video_filter(VSMap *out, const char *name, const VSVideoInfo *vi, VSFilterGetFrame get_frame,
                                VSFilterFree free_instance, int mode, const VSFilterDependency *dependencies,
                                int count, void *instance, VSCore *core)
{
    (void)name;
    (void)dependencies;
    (void)count;
    (void)core;
    VSNode *node = calloc(1, sizeof *node);
    node->vi = *vi;
    node->get_frame = get_frame;
    node->free = free_instance;
    node->instance = instance;
    node->mode = mode;
    set_node(out, "clip", node);
}

static const VSAPI *api(void)
{
    static VSAPI table;
    table.createVideoFilter = create_video_filter;
    table.freeNode = free_node;
    table.getVideoInfo = get_video_info;
    table.newVideoFrame = new_video_frame;
    table.freeFrame = free_frame;
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
    return &table;
}

static VSPublicFunction registered;
static int plugin_api_version(void) { return VAPOURSYNTH_API_VERSION; }

static int config_plugin(const char *id, const char *ns, const char *name, int version, int api_version, int flags,
                         VSPlugin *plugin)
{
    (void)version;
    (void)flags;
    (void)plugin;
    printf("config %s %s %s api %d.%d\n", id, ns, name, api_version >> 16, api_version & 0xffff);
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

static VSMap *call(VSNode *clip, const char *model)
{
    VSMap in = {0};
    VSMap *out = calloc(1, sizeof *out);
    set_node(&in, "clip", clip);
    if (model != NULL) {
        in.entries[in.count].key = "model";
        in.entries[in.count].type = 'd';
        in.entries[in.count].data = model;
        in.count++;
    }
    registered(&in, out, NULL, NULL, api());
    return out;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s PLUGIN.so WIDTH HEIGHT FRAMES IN.yuv OUT.yuv\n", argv[0]);
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

    printf("bad model: %s\n", call(source_node(width, height, frames, stInteger, 8, data), "/nonexistent/model.srnv")->error);
    printf("float clip: %s\n", call(source_node(width, height, frames, stFloat, 32, data), NULL)->error);

    VSNode *source = source_node(width, height, frames, stInteger, 8, data);
    VSMap *out = call(source, NULL);
    if (out->error[0] != '\0') {
        printf("error: %s\n", out->error);
        return 3;
    }
    VSNode *upscaled = map_get_node(out, "clip", 0, NULL);
    const VSVideoInfo *vi = &upscaled->vi;
    printf("output %d %d %d %d %d %d %d %d\n", vi->width, vi->height, vi->format.colorFamily, vi->format.bitsPerSample,
           vi->format.subSamplingW, vi->format.subSamplingH, vi->numFrames, upscaled->mode);
    FILE *output = fopen(argv[6], "wb");
    for (int n = 0; n < vi->numFrames; n++) {
        VSFrameContext context = {0};
        void *frame_data = NULL;
        if (upscaled->get_frame(n, arInitial, upscaled->instance, &frame_data, &context, NULL, api()) != NULL || context.requested != 1) {
            printf("frame %d: the first activation must request one frame and return none\n", n);
            return 4;
        }
        context.ready = source_frame(source, n);
        const VSFrame *frame = upscaled->get_frame(n, arAllFramesReady, upscaled->instance, &frame_data, &context, NULL, api());
        if (frame == NULL) {
            printf("frame %d error: %s\n", n, context.error);
            return 4;
        }
        for (int i = 0; i < 3; i++) {
            int w, h;
            plane_size(&vi->format, vi->width, vi->height, i, &w, &h);
            for (int y = 0; y < h; y++) {
                fwrite(frame->planes[i] + (size_t)y * frame->stride[i], 1, w, output);
            }
        }
        free_frame(frame);
    }
    fclose(output);
    upscaled->free(upscaled->instance, NULL, api());
    printf("done\n");
    return 0;
}
