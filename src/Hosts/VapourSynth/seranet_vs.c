/*
 * core.seranet.Upscale(clip, model=, scale=, tile=, device=, batch=, precision=, tta=): a
 * VapourSynth (API 4) plugin on libseranet (include/seranet.h) for constant-format GRAY, YUV
 * (4:2:0, 4:2:2, 4:4:4) and RGB clips of 8 to 16-bit integer or 32-bit float samples.
 *
 * Batching: the filter is registered with fmParallelRequests, so frame requests (arInitial)
 * arrive from any thread while the frames-ready activations run one at a time: one worker. A
 * request for frame n asks for its whole batch (batch frames starting at a multiple of batch);
 * the first ready activation of a batch runs all its frames through seranet_process_batch at
 * once, hands back frame n and keeps the others until they are asked for. Kept frames are
 * bounded (four batches); a frame pushed out is simply computed again when it is asked for.
 *
 * Frame properties: _ColorRange (0 full, 1 limited), _ChromaLocation (0 left, 1 center,
 * 2 top-left; top and bottom sitings are refused for 4:2:0) and _Matrix (1 BT.709, 5/6 BT.601,
 * 9/10 BT.2020) are read from each frame and passed on; without them, VapourSynth's defaults:
 * limited YUV and grey, full RGB, left siting, BT.709. Output frames carry the input's properties.
 *
 * Errors at creation (a bad model, an unsupported clip) go to the output map (mapSetError);
 * errors on a frame to the frame context (setFilterError).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seranet.h"
#include "seranet_frame_properties.h"
#include "seranet_option_names.h"
#include "seranet_warning_lines.h"
#include "vs4_subset.h"

#define MAX_BATCH 64
#define DEFAULT_BATCH 4
#define KEPT_BATCHES 4

/* What a request activation leaves for the ready activation in *frame_data. */
#define REQUESTED_BATCH ((void *)(intptr_t)1)
#define REQUESTED_ONE ((void *)(intptr_t)2)

typedef struct kept_frame {
    int n; /* -1 for a free slot */
    VSFrame *frame;
    uint64_t age;
} kept_frame;

typedef struct seranet_vs_filter {
    VSNode *node;
    VSVideoInfo vi;
    seranet_upscaler *upscaler;
    seranet_frame shape; /* format, bits and size of the input; range, siting and planes filled per frame */
    int batch;
    pthread_mutex_t lock; /* guards kept and clock */
    kept_frame *kept;
    int kept_count;
    uint64_t clock;
} seranet_vs_filter;

static int find_kept(const seranet_vs_filter *filter, int n)
{
    for (int i = 0; i < filter->kept_count; i++) {
        if (filter->kept[i].n == n) {
            return i;
        }
    }
    return -1;
}

/* The kept frame n, now the caller's, or NULL. */
static VSFrame *take_kept(seranet_vs_filter *filter, int n)
{
    pthread_mutex_lock(&filter->lock);
    int i = find_kept(filter, n);
    VSFrame *frame = NULL;
    if (i >= 0) {
        frame = filter->kept[i].frame;
        filter->kept[i].n = -1;
        filter->kept[i].frame = NULL;
    }
    pthread_mutex_unlock(&filter->lock);
    return frame;
}

/* Keeps frame n for its own request, pushing out the oldest kept frame when all slots are taken. */
static void keep(seranet_vs_filter *filter, int n, VSFrame *frame, const VSAPI *vsapi)
{
    pthread_mutex_lock(&filter->lock);
    int slot = find_kept(filter, n);
    if (slot < 0) {
        slot = 0;
        for (int i = 0; i < filter->kept_count; i++) {
            if (filter->kept[i].n < 0) {
                slot = i;
                break;
            }
            if (filter->kept[i].age < filter->kept[slot].age) {
                slot = i;
            }
        }
    }
    VSFrame *pushed_out = filter->kept[slot].frame;
    filter->kept[slot] = (kept_frame){n, frame, ++filter->clock};
    pthread_mutex_unlock(&filter->lock);
    if (pushed_out != NULL) {
        vsapi->freeFrame(pushed_out);
    }
}

static void point_at(seranet_frame *frame, const VSFrame *vs, VSFrame *writable, const VSAPI *vsapi)
{
    int count = frame->format == SERANET_FORMAT_GRAY ? 1 : 3;
    for (int i = 0; i < count; i++) {
        frame->planes[i] = writable != NULL ? (void *)vsapi->getWritePtr(writable, i) : (void *)vsapi->getReadPtr(vs, i);
        frame->strides[i] = vsapi->getStride(writable != NULL ? writable : vs, i);
    }
}

/* Range, siting and matrix of one frame from its properties into *frame; NULL, or why not. */
static const char *read_properties(const seranet_vs_filter *filter, const VSFrame *source, const VSAPI *vsapi,
                                   seranet_frame *frame, char *why, size_t why_size)
{
    const VSMap *props = vsapi->getFramePropertiesRO(source);
    int unset;
    int64_t range = vsapi->mapGetInt(props, "_ColorRange", 0, &unset);
    const char *problem = seranet_range_property(!unset, range, frame, why, why_size);
    if (problem == NULL) {
        int64_t location = vsapi->mapGetInt(props, "_ChromaLocation", 0, &unset);
        problem = seranet_siting_property(!unset, location, filter->vi.format.subSamplingH != 0, frame, why, why_size);
    }
    if (problem != NULL) {
        return problem;
    }

    int64_t matrix = vsapi->mapGetInt(props, "_Matrix", 0, &unset);
    frame->matrix = unset                        ? SERANET_MATRIX_BT709
                    : matrix == 5 || matrix == 6 ? SERANET_MATRIX_BT601
                    : matrix == 9 || matrix == 10 ? SERANET_MATRIX_BT2020
                                                  : SERANET_MATRIX_BT709;
    return NULL;
}

static int same_shape(const seranet_frame *a, const seranet_frame *b)
{
    return a->range == b->range && a->chroma_siting == b->chroma_siting && a->matrix == b->matrix;
}

/*
 * Upscales frames first .. first+count-1 (all requested), returns frame n and keeps the others;
 * NULL after setting the error on the context.
 */
static const VSFrame *upscale_batch(seranet_vs_filter *filter, int n, int first, int count, VSFrameContext *context,
                                    VSCore *core, const VSAPI *vsapi)
{
    const VSFrame *sources[MAX_BATCH] = {0};
    VSFrame *results[MAX_BATCH] = {0};
    seranet_frame inputs[MAX_BATCH], outputs[MAX_BATCH];
    char why[512], message[1024];
    const char *failure = NULL;
    int failed_at = n;
    for (int k = 0; k < count && failure == NULL; k++) {
        sources[k] = vsapi->getFrameFilter(first + k, filter->node, context);
        if (sources[k] == NULL) {
            failure = "the source frame is missing.";
            failed_at = first + k;
            break;
        }
        inputs[k] = filter->shape;
        failure = read_properties(filter, sources[k], vsapi, &inputs[k], why, sizeof why);
        if (failure != NULL) {
            failed_at = first + k;
            break;
        }
        results[k] = vsapi->newVideoFrame(&filter->vi.format, filter->vi.width, filter->vi.height, sources[k], core);
        outputs[k] = inputs[k];
        outputs[k].width = filter->vi.width;
        outputs[k].height = filter->vi.height;
        point_at(&inputs[k], sources[k], NULL, vsapi);
        point_at(&outputs[k], NULL, results[k], vsapi);
    }
    /* Runs of frames with the same properties go through the model together. */
    for (int start = 0, end; start < count && failure == NULL; start = end) {
        for (end = start + 1; end < count && same_shape(&inputs[start], &inputs[end]); end++) {
        }
        if (seranet_process_batch(filter->upscaler, inputs + start, outputs + start, end - start) != SERANET_OK) {
            snprintf(why, sizeof why, "%s", seranet_last_error());
            failure = why;
            failed_at = first + start;
        }
    }
    for (int k = 0; k < count; k++) {
        if (sources[k] != NULL) {
            vsapi->freeFrame(sources[k]);
        }
    }
    if (failure != NULL) {
        for (int k = 0; k < count; k++) {
            if (results[k] != NULL) {
                vsapi->freeFrame(results[k]);
            }
        }
        if (failed_at == n) {
            snprintf(message, sizeof message, "Upscale: frame %d: %s", n, failure);
        } else {
            snprintf(message, sizeof message, "Upscale: frame %d: in its batch, frame %d: %s", n, failed_at, failure);
        }
        vsapi->setFilterError(message, context);
        return NULL;
    }
    for (int k = 0; k < count; k++) {
        if (first + k != n) {
            keep(filter, first + k, results[k], vsapi);
        }
    }
    return results[n - first];
}

static void batch_of(const seranet_vs_filter *filter, int n, int *first, int *count)
{
    *first = n - n % filter->batch;
    *count = filter->batch;
    if (*first + *count > filter->vi.numFrames) {
        *count = filter->vi.numFrames - *first;
    }
}

static const VSFrame *get_frame(int n, int reason, void *instance, void **frame_data, VSFrameContext *context,
                                VSCore *core, const VSAPI *vsapi)
{
    seranet_vs_filter *filter = instance;
    int first, count;
    if (reason == arInitial) {
        pthread_mutex_lock(&filter->lock);
        int kept = find_kept(filter, n) >= 0;
        pthread_mutex_unlock(&filter->lock);
        if (kept) {
            /* Done by an earlier batch; n is still asked for in case that frame is pushed out meanwhile. */
            vsapi->requestFrameFilter(n, filter->node, context);
            *frame_data = REQUESTED_ONE;
            return NULL;
        }
        batch_of(filter, n, &first, &count);
        for (int k = 0; k < count; k++) {
            vsapi->requestFrameFilter(first + k, filter->node, context);
        }
        *frame_data = REQUESTED_BATCH;
        return NULL;
    }
    if (reason != arAllFramesReady) {
        return NULL;
    }
    VSFrame *done = take_kept(filter, n);
    if (done != NULL) {
        return done;
    }
    if (*frame_data == REQUESTED_BATCH) {
        batch_of(filter, n, &first, &count);
    } else {
        first = n;
        count = 1;
    }
    return upscale_batch(filter, n, first, count, context, core, vsapi);
}

static void free_filter(void *instance, VSCore *core, const VSAPI *vsapi)
{
    (void)core;
    seranet_vs_filter *filter = instance;
    for (int i = 0; i < filter->kept_count; i++) {
        if (filter->kept[i].frame != NULL) {
            vsapi->freeFrame(filter->kept[i].frame);
        }
    }
    free(filter->kept);
    pthread_mutex_destroy(&filter->lock);
    seranet_close(filter->upscaler);
    vsapi->freeNode(filter->node);
    free(filter);
}

/* The engine's format for a clip, or -1 with *why set. */
static int format_of(const VSVideoFormat *format, const char **why)
{
    int integer = format->sampleType == stInteger && format->bitsPerSample >= 8 && format->bitsPerSample <= 16;
    int single_float = format->sampleType == stFloat && format->bitsPerSample == 32;
    if (!integer && !single_float) {
        *why = "the clip must have 8 to 16-bit integer or 32-bit float samples (convert half-float clips to 32-bit first).";
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

/* The filter's core and API while create() passes warnings to log_warning. */
typedef struct warning_log {
    VSCore *core;
    const VSAPI *vsapi;
} warning_log;

/* One of libseranet's warnings into VapourSynth's log, which vspipe prints and editors show. */
static void log_warning(const char *line, int length, void *context)
{
    const warning_log *sink = context;
    char message[1024];
    snprintf(message, sizeof message, "Upscale: %.*s", length, line);
    sink->vsapi->logMessage(mtWarning, message, sink->core);
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
    options.device = seranet_device_named(missing ? NULL : device);
    int64_t batch = vsapi->mapGetInt(in, "batch", 0, &missing);
    batch = missing ? DEFAULT_BATCH : batch;
    const char *precision = vsapi->mapGetData(in, "precision", 0, &missing);
    options.precision = seranet_precision_named(missing ? NULL : precision);
    int64_t tta = vsapi->mapGetInt(in, "tta", 0, &missing);
    options.tta = !missing && tta != 0;

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
    } else if (options.precision < 0) {
        snprintf(message, sizeof message, "Upscale: precision must be \"fp32\" or \"bf16\".");
    } else if (batch < 1 || batch > MAX_BATCH) {
        snprintf(message, sizeof message, "Upscale: batch must be 1 to %d frames, not %lld.", MAX_BATCH, (long long)batch);
    } else if ((options.batch = (int32_t)batch, seranet_open(&options, &filter->upscaler)) != SERANET_OK
               || seranet_output_size(filter->upscaler, input_width, input_height, &filter->vi.width, &filter->vi.height)
                      != SERANET_OK) {
        snprintf(message, sizeof message, "Upscale: %s", seranet_last_error());
    } else {
        warning_log sink = {core, vsapi};
        seranet_each_warning(filter->upscaler, log_warning, &sink);
        seranet_frame *shape = &filter->shape;
        shape->struct_size = sizeof *shape;
        shape->format = format;
        shape->bits = filter->vi.format.sampleType == stFloat ? SERANET_BITS_FLOAT : filter->vi.format.bitsPerSample;
        shape->width = input_width;
        shape->height = input_height;
        filter->batch = (int)batch;
        filter->kept_count = KEPT_BATCHES * filter->batch;
        filter->kept = calloc((size_t)filter->kept_count, sizeof *filter->kept);
        for (int i = 0; i < filter->kept_count; i++) {
            filter->kept[i].n = -1;
        }
        pthread_mutex_init(&filter->lock, NULL);
        /* rpGeneral: frame n asks for the other frames of its batch too. */
        VSFilterDependency dependencies[1] = {{filter->node, rpGeneral}};
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
    /* The minor version grows when Upscale gains arguments: 0.3 added precision and tta (libseranet ABI 3). */
    vspapi->configPlugin("video.seranet", "seranet", "SeRanet super-resolution upscaling", VS_MAKE_VERSION(0, 3),
                         VAPOURSYNTH_API_VERSION, 0, plugin);
    vspapi->registerFunction("Upscale",
                             "clip:vnode;model:data:opt;scale:float:opt;tile:int:opt;device:data:opt;batch:int:opt;"
                             "precision:data:opt;tta:int:opt;",
                             "clip:vnode;", create, NULL, plugin);
}
