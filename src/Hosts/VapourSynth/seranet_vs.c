/*
 * core.seranet.Upscale(clip, model=, scale=, tile=, device=): a VapourSynth (API 4) plugin on
 * libseranet (include/seranet.h) for constant-format GRAY, YUV (4:2:0, 4:2:2, 4:4:4) and RGB
 * clips of 8 to 16-bit integer samples. Frames are requested in parallel (fmParallelRequests);
 * libseranet runs one model call at a time per upscaler, so the model sees one frame after the
 * other whatever thread asks.
 *
 * Errors at creation (a bad model, an unsupported clip) go to the output map (mapSetError);
 * errors on a frame to the frame context (setFilterError).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seranet.h"
#include "vs4_subset.h"

typedef struct seranet_vs_filter {
    VSNode *node;
    VSVideoInfo vi;
    seranet_upscaler *upscaler;
    seranet_frame shape; /* format, bits and size of the input; planes filled per frame */
} seranet_vs_filter;

static void point_at(seranet_frame *frame, const VSFrame *vs, VSFrame *writable, const VSAPI *vsapi)
{
    int count = frame->format == SERANET_FORMAT_GRAY ? 1 : 3;
    for (int i = 0; i < count; i++) {
        frame->planes[i] = writable != NULL ? (void *)vsapi->getWritePtr(writable, i) : (void *)vsapi->getReadPtr(vs, i);
        frame->strides[i] = vsapi->getStride(writable != NULL ? writable : vs, i);
    }
}

static const VSFrame *get_frame(int n, int reason, void *instance, void **frame_data, VSFrameContext *context,
                                VSCore *core, const VSAPI *vsapi)
{
    (void)frame_data;
    seranet_vs_filter *filter = instance;
    if (reason == arInitial) {
        vsapi->requestFrameFilter(n, filter->node, context);
        return NULL;
    }
    if (reason != arAllFramesReady) {
        return NULL;
    }
    const VSFrame *source = vsapi->getFrameFilter(n, filter->node, context);
    VSFrame *result = vsapi->newVideoFrame(&filter->vi.format, filter->vi.width, filter->vi.height, source, core);
    seranet_frame input = filter->shape, output = filter->shape;
    output.width = filter->vi.width;
    output.height = filter->vi.height;
    point_at(&input, source, NULL, vsapi);
    point_at(&output, NULL, result, vsapi);
    seranet_status status = seranet_process(filter->upscaler, &input, &output);
    vsapi->freeFrame(source);
    if (status != SERANET_OK) {
        char message[1024];
        snprintf(message, sizeof message, "Upscale: frame %d: %s", n, seranet_last_error());
        vsapi->setFilterError(message, context);
        vsapi->freeFrame(result);
        return NULL;
    }
    return result;
}

static void free_filter(void *instance, VSCore *core, const VSAPI *vsapi)
{
    (void)core;
    seranet_vs_filter *filter = instance;
    seranet_close(filter->upscaler);
    vsapi->freeNode(filter->node);
    free(filter);
}

/* The engine's format for a clip, or -1 with *why set. */
static int format_of(const VSVideoFormat *format, const char **why)
{
    if (format->sampleType != stInteger || format->bitsPerSample < 8 || format->bitsPerSample > 16) {
        *why = "the clip must have 8 to 16-bit integer samples (convert float clips to 16-bit first).";
        return -1;
    }
    switch (format->colorFamily) {
    case cfGray:
        return SERANET_FORMAT_GRAY;
    case cfRGB:
        return SERANET_FORMAT_RGBP;
    case cfYUV:
        if (format->subSamplingW == 1 && format->subSamplingH == 1) {
            return SERANET_FORMAT_YUV420;
        }
        if (format->subSamplingW == 1 && format->subSamplingH == 0) {
            return SERANET_FORMAT_YUV422;
        }
        if (format->subSamplingW == 0 && format->subSamplingH == 0) {
            return SERANET_FORMAT_YUV444;
        }
        break;
    default:
        break;
    }
    *why = "the clip must be GRAY, RGB, or YUV 4:2:0, 4:2:2 or 4:4:4 with a constant format.";
    return -1;
}

static void create(const VSMap *in, VSMap *out, void *user_data, VSCore *core, const VSAPI *vsapi)
{
    (void)user_data;
    int missing;
    char message[1024];
    seranet_vs_filter *filter = calloc(1, sizeof *filter);
    filter->node = vsapi->mapGetNode(in, "clip", 0, NULL);
    filter->vi = *vsapi->getVideoInfo(filter->node);

    seranet_options options;
    seranet_default_options(&options);
    const char *model = vsapi->mapGetData(in, "model", 0, &missing);
    options.model = missing ? NULL : model;
    int64_t tile = vsapi->mapGetInt(in, "tile", 0, &missing);
    options.tile = missing ? 0 : (int32_t)tile;
    double scale = vsapi->mapGetFloat(in, "scale", 0, &missing);
    options.scale = missing ? 2.0 : scale;
    const char *device = vsapi->mapGetData(in, "device", 0, &missing);
    options.device = missing || strcmp(device, "auto") == 0 ? SERANET_DEVICE_AUTO
                     : strcmp(device, "cpu") == 0          ? SERANET_DEVICE_CPU
                     : strcmp(device, "cuda") == 0         ? SERANET_DEVICE_CUDA
                                                           : -1;

    const char *why = NULL;
    int format = format_of(&filter->vi.format, &why);
    int input_width = filter->vi.width, input_height = filter->vi.height;
    if (format >= 0 && (input_width == 0 || input_height == 0)) {
        format = -1;
        why = "the clip must have a constant size.";
    }
    if (format < 0) {
        snprintf(message, sizeof message, "Upscale: %s", why);
    } else if (options.device < 0) {
        snprintf(message, sizeof message, "Upscale: device must be \"auto\", \"cpu\" or \"cuda\".");
    } else if (seranet_open(&options, &filter->upscaler) != SERANET_OK
               || seranet_output_size(filter->upscaler, input_width, input_height, &filter->vi.width, &filter->vi.height)
                      != SERANET_OK) {
        snprintf(message, sizeof message, "Upscale: %s", seranet_last_error());
    } else {
        seranet_frame *shape = &filter->shape;
        shape->struct_size = sizeof *shape;
        shape->format = format;
        shape->bits = filter->vi.format.bitsPerSample;
        /* VapourSynth's defaults when frames carry no _ColorRange/_ChromaLocation: limited YUV and grey, full RGB, left siting. */
        shape->range = format == SERANET_FORMAT_RGBP ? SERANET_RANGE_FULL : SERANET_RANGE_LIMITED;
        shape->matrix = SERANET_MATRIX_BT709;
        shape->chroma_siting = SERANET_SITING_LEFT;
        shape->width = input_width;
        shape->height = input_height;
        VSFilterDependency dependencies[1] = {{filter->node, rpStrictSpatial}};
        vsapi->createVideoFilter(out, "Upscale", &filter->vi, get_frame, free_filter, fmParallelRequests, dependencies, 1,
                                 filter, core);
        return;
    }
    vsapi->mapSetError(out, message);
    seranet_close(filter->upscaler);
    vsapi->freeNode(filter->node);
    free(filter);
}

void VapourSynthPluginInit2(VSPlugin *plugin, const VSPLUGINAPI *vspapi)
{
    vspapi->configPlugin("video.seranet", "seranet", "SeRanet super-resolution upscaling", VS_MAKE_VERSION(0, 1),
                         VAPOURSYNTH_API_VERSION, 0, plugin);
    vspapi->registerFunction("Upscale", "clip:vnode;model:data:opt;scale:float:opt;tile:int:opt;device:data:opt;",
                             "clip:vnode;", create, NULL, plugin);
}
