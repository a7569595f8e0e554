/*
 * seranetupscale: a GStreamer video filter on libseranet (include/seranet.h).
 *
 * Planar YUV and grey frames go to the engine as they are (pointers and strides of the mapped
 * buffers, no copy or conversion here); the output caps are the input caps at the engine's
 * output size. The model is loaded when the element starts (READY to PAUSED), so a bad model
 * or device stops the pipeline there with GST_ELEMENT_ERROR and the engine's message.
 *
 * GStreamer finds the plugin as libgstseranet.so through GST_PLUGIN_PATH and calls
 * gst_plugin_seranet_get_desc, the name GST_PLUGIN_DEFINE makes from "seranet".
 */
#include <math.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

#include "seranet.h"
#include "seranet_option_names.h"

#ifndef PACKAGE
#define PACKAGE "seranet"
#endif

#define SERANET_GST_FORMATS "{ I420, Y42B, Y444, GRAY8, I420_10LE, I422_10LE, Y444_10LE, GRAY16_LE }"

GST_DEBUG_CATEGORY_STATIC(seranet_debug);
#define GST_CAT_DEFAULT seranet_debug

typedef struct _GstSeranetUpscale {
    GstVideoFilter parent;
    gchar *model;
    gdouble scale;
    gint tile;
    gchar *device;
    gchar *precision;
    gboolean tta;
    seranet_upscaler *upscaler;
} GstSeranetUpscale;

typedef struct _GstSeranetUpscaleClass {
    GstVideoFilterClass parent_class;
} GstSeranetUpscaleClass;

enum { PROP_0, PROP_MODEL, PROP_SCALE, PROP_TILE, PROP_DEVICE, PROP_PRECISION, PROP_TTA };

#define GST_TYPE_SERANET_UPSCALE (gst_seranet_upscale_get_type())
#define GST_SERANET_UPSCALE(obj) ((GstSeranetUpscale *)(obj))
GType gst_seranet_upscale_get_type(void);
G_DEFINE_TYPE(GstSeranetUpscale, gst_seranet_upscale, GST_TYPE_VIDEO_FILTER)

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(SERANET_GST_FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(SERANET_GST_FORMATS)));

static void gst_seranet_upscale_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
    GstSeranetUpscale *self = GST_SERANET_UPSCALE(object);
    GST_OBJECT_LOCK(self);
    switch (id) {
    case PROP_MODEL:
        g_free(self->model);
        self->model = g_value_dup_string(value);
        break;
    case PROP_SCALE:
        self->scale = g_value_get_double(value);
        break;
    case PROP_TILE:
        self->tile = g_value_get_int(value);
        break;
    case PROP_DEVICE:
        g_free(self->device);
        self->device = g_value_dup_string(value);
        break;
    case PROP_PRECISION:
        g_free(self->precision);
        self->precision = g_value_dup_string(value);
        break;
    case PROP_TTA:
        self->tta = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
    GST_OBJECT_UNLOCK(self);
}

static void gst_seranet_upscale_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    GstSeranetUpscale *self = GST_SERANET_UPSCALE(object);
    GST_OBJECT_LOCK(self);
    switch (id) {
    case PROP_MODEL:
        g_value_set_string(value, self->model);
        break;
    case PROP_SCALE:
        g_value_set_double(value, self->scale);
        break;
    case PROP_TILE:
        g_value_set_int(value, self->tile);
        break;
    case PROP_DEVICE:
        g_value_set_string(value, self->device);
        break;
    case PROP_PRECISION:
        g_value_set_string(value, self->precision);
        break;
    case PROP_TTA:
        g_value_set_boolean(value, self->tta);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
    GST_OBJECT_UNLOCK(self);
}

static gboolean gst_seranet_upscale_start(GstBaseTransform *trans)
{
    GstSeranetUpscale *self = GST_SERANET_UPSCALE(trans);
    seranet_options options;
    seranet_default_options(&options);
    GST_OBJECT_LOCK(self);
    gchar *model = g_strdup(self->model);
    gchar *device = g_strdup(self->device);
    gchar *precision = g_strdup(self->precision);
    options.scale = self->scale;
    options.tile = self->tile;
    options.tta = self->tta;
    GST_OBJECT_UNLOCK(self);
    options.model = model;
    options.device = seranet_device_named(device);
    options.precision = seranet_precision_named(precision);
    gboolean ok = FALSE;
    if (options.device < 0) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Unknown device '%s': use auto, cpu or cuda.", device), (NULL));
    } else if (options.precision < 0) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Unknown precision '%s': use fp32 or bf16.", precision), (NULL));
    } else if (seranet_open(&options, &self->upscaler) != SERANET_OK) {
        GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("%s", seranet_last_error()),
                          ("seranet_open(model=%s, device=%s, precision=%s, tta=%d) failed", model ? model : "(default)",
                           device, precision, options.tta));
    } else {
        /* It runs, but not as the user may expect (slower kernels, bf16 slower than fp32): a bus
           warning, which gst-launch-1.0 prints and an application sees. */
        const char *warnings = seranet_warnings(self->upscaler);
        if (warnings != NULL && warnings[0] != '\0') {
            GST_ELEMENT_WARNING(self, LIBRARY, SETTINGS, ("%s", warnings), (NULL));
        }
        ok = TRUE;
    }
    g_free(model);
    g_free(device);
    g_free(precision);
    return ok;
}

static gboolean gst_seranet_upscale_stop(GstBaseTransform *trans)
{
    GstSeranetUpscale *self = GST_SERANET_UPSCALE(trans);
    seranet_close(self->upscaler);
    self->upscaler = NULL;
    return TRUE;
}

/* Sink caps map to the output size; src caps to any input size (the scale may round). */
static GstCaps *gst_seranet_upscale_transform_caps(GstBaseTransform *trans, GstPadDirection direction,
                                                   GstCaps *caps, GstCaps *filter)
{
    GstSeranetUpscale *self = GST_SERANET_UPSCALE(trans);
    GstCaps *result = gst_caps_new_empty();
    for (guint i = 0; i < gst_caps_get_size(caps); i++) {
        GstStructure *s = gst_structure_copy(gst_caps_get_structure(caps, i));
        gint width, height, out_width, out_height;
        if (direction == GST_PAD_SINK && self->upscaler != NULL && gst_structure_get_int(s, "width", &width)
            && gst_structure_get_int(s, "height", &height)
            && seranet_output_size(self->upscaler, width, height, &out_width, &out_height) == SERANET_OK) {
            gst_structure_set(s, "width", G_TYPE_INT, out_width, "height", G_TYPE_INT, out_height, NULL);
        } else {
            gst_structure_set(s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT, "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
        }
        gst_caps_append_structure(result, s);
    }
    if (filter != NULL) {
        GstCaps *intersected = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref(result);
        result = intersected;
    }
    return result;
}

static gboolean gst_seranet_upscale_set_info(GstVideoFilter *filter, GstCaps *incaps, GstVideoInfo *in_info,
                                             GstCaps *outcaps, GstVideoInfo *out_info)
{
    GstSeranetUpscale *self = GST_SERANET_UPSCALE(filter);
    (void)incaps;
    (void)outcaps;
    gint width, height;
    if (seranet_output_size(self->upscaler, GST_VIDEO_INFO_WIDTH(in_info), GST_VIDEO_INFO_HEIGHT(in_info), &width,
                            &height) != SERANET_OK) {
        GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("%s", seranet_last_error()), (NULL));
        return FALSE;
    }
    if (GST_VIDEO_INFO_FORMAT(in_info) != GST_VIDEO_INFO_FORMAT(out_info) || GST_VIDEO_INFO_WIDTH(out_info) != width
        || GST_VIDEO_INFO_HEIGHT(out_info) != height) {
        GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
                          ("seranetupscale makes %dx%d %s from %dx%d, not %dx%d %s.", width, height,
                           GST_VIDEO_INFO_NAME(in_info), GST_VIDEO_INFO_WIDTH(in_info),
                           GST_VIDEO_INFO_HEIGHT(in_info), GST_VIDEO_INFO_WIDTH(out_info),
                           GST_VIDEO_INFO_HEIGHT(out_info), GST_VIDEO_INFO_NAME(out_info)),
                          (NULL));
        return FALSE;
    }
    return TRUE;
}

static void describe_frame(const GstVideoFrame *frame, seranet_frame *out)
{
    const GstVideoInfo *info = &frame->info;
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    switch (GST_VIDEO_INFO_FORMAT(info)) {
    case GST_VIDEO_FORMAT_GRAY8:
    case GST_VIDEO_FORMAT_GRAY16_LE:
        out->format = SERANET_FORMAT_GRAY;
        break;
    case GST_VIDEO_FORMAT_Y42B:
    case GST_VIDEO_FORMAT_I422_10LE:
        out->format = SERANET_FORMAT_YUV422;
        break;
    case GST_VIDEO_FORMAT_Y444:
    case GST_VIDEO_FORMAT_Y444_10LE:
        out->format = SERANET_FORMAT_YUV444;
        break;
    default:
        out->format = SERANET_FORMAT_YUV420;
        break;
    }
    out->bits = GST_VIDEO_FORMAT_INFO_DEPTH(info->finfo, 0);
    /* Grey caps carry no colorimetry; GStreamer treats grey as full range. */
    out->range = (info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255 || GST_VIDEO_INFO_IS_GRAY(info))
                     ? SERANET_RANGE_FULL
                     : SERANET_RANGE_LIMITED;
    switch (info->colorimetry.matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT601:
        out->matrix = SERANET_MATRIX_BT601;
        break;
    case GST_VIDEO_COLOR_MATRIX_BT2020:
        out->matrix = SERANET_MATRIX_BT2020;
        break;
    default:
        out->matrix = SERANET_MATRIX_BT709;
        break;
    }
    /* GStreamer's siting flags: horizontally co-sited is MPEG-2's left siting; both ways is top-left. */
    if ((info->chroma_site & GST_VIDEO_CHROMA_SITE_COSITED) == GST_VIDEO_CHROMA_SITE_COSITED) {
        out->chroma_siting = SERANET_SITING_TOP_LEFT;
    } else if (info->chroma_site & GST_VIDEO_CHROMA_SITE_H_COSITED) {
        out->chroma_siting = SERANET_SITING_LEFT;
    } else {
        out->chroma_siting = SERANET_SITING_CENTER;
    }
    out->width = GST_VIDEO_FRAME_WIDTH(frame);
    out->height = GST_VIDEO_FRAME_HEIGHT(frame);
    for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES(frame); i++) {
        out->planes[i] = GST_VIDEO_FRAME_PLANE_DATA(frame, i);
        out->strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE(frame, i);
    }
}

static GstFlowReturn gst_seranet_upscale_transform_frame(GstVideoFilter *filter, GstVideoFrame *in_frame,
                                                        GstVideoFrame *out_frame)
{
    GstSeranetUpscale *self = GST_SERANET_UPSCALE(filter);
    seranet_frame input, output;
    describe_frame(in_frame, &input);
    describe_frame(out_frame, &output);
    /* Caps name the siting of both sides alike; the engine wants them equal. */
    output.chroma_siting = input.chroma_siting;
    if (seranet_process(self->upscaler, &input, &output) != SERANET_OK) {
        GST_ELEMENT_ERROR(self, STREAM, FAILED, ("%s", seranet_last_error()), (NULL));
        return GST_FLOW_ERROR;
    }
    return GST_FLOW_OK;
}

static void gst_seranet_upscale_finalize(GObject *object)
{
    GstSeranetUpscale *self = GST_SERANET_UPSCALE(object);
    seranet_close(self->upscaler);
    g_free(self->model);
    g_free(self->device);
    g_free(self->precision);
    G_OBJECT_CLASS(gst_seranet_upscale_parent_class)->finalize(object);
}

static void gst_seranet_upscale_class_init(GstSeranetUpscaleClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
    GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS(klass);
    GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS(klass);

    gobject_class->set_property = gst_seranet_upscale_set_property;
    gobject_class->get_property = gst_seranet_upscale_get_property;
    gobject_class->finalize = gst_seranet_upscale_finalize;

    GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;
    g_object_class_install_property(
        gobject_class, PROP_MODEL,
        g_param_spec_string("model", "Model", "Model name or .srnv path (empty: the default model)", NULL, flags));
    g_object_class_install_property(
        gobject_class, PROP_SCALE,
        g_param_spec_double("scale", "Scale", "Overall upscaling factor (2 and 4 are exact network passes)", 1.0625,
                            16.0, 2.0, flags));
    g_object_class_install_property(
        gobject_class, PROP_TILE,
        g_param_spec_int("tile", "Tile", "Tile side in input pixels (0: chosen for the memory budget)", 0, 65536, 0,
                         flags));
    g_object_class_install_property(
        gobject_class, PROP_DEVICE,
        g_param_spec_string("device", "Device", "auto, cpu or cuda", "auto", flags));
    g_object_class_install_property(
        gobject_class, PROP_PRECISION,
        g_param_spec_string("precision", "Precision",
                            "Numbers inside the network: fp32, or bf16 (faster on CPUs with working bfloat16 "
                            "kernels, slower than fp32 elsewhere; the same pictures to within one 8-bit level)",
                            "fp32", flags));
    g_object_class_install_property(
        gobject_class, PROP_TTA,
        g_param_spec_boolean("tta", "Test-time augmentation",
                             "Average the network over the eight flips and quarter turns: a little sharper, "
                             "about eight times slower",
                             FALSE, flags));

    gst_element_class_set_static_metadata(element_class, "SeRanet upscaler", "Filter/Effect/Video/Scaler",
                                          "Upscales video 2x (or by scale) with a SeRanet super-resolution network",
                                          "SeRanet.Video contributors");
    gst_element_class_add_static_pad_template(element_class, &sink_template);
    gst_element_class_add_static_pad_template(element_class, &src_template);

    trans_class->start = GST_DEBUG_FUNCPTR(gst_seranet_upscale_start);
    trans_class->stop = GST_DEBUG_FUNCPTR(gst_seranet_upscale_stop);
    trans_class->transform_caps = GST_DEBUG_FUNCPTR(gst_seranet_upscale_transform_caps);
    filter_class->set_info = GST_DEBUG_FUNCPTR(gst_seranet_upscale_set_info);
    filter_class->transform_frame = GST_DEBUG_FUNCPTR(gst_seranet_upscale_transform_frame);
}

static void gst_seranet_upscale_init(GstSeranetUpscale *self)
{
    self->scale = 2.0;
    self->device = g_strdup("auto");
    self->precision = g_strdup("fp32");
}

static gboolean plugin_init(GstPlugin *plugin)
{
    GST_DEBUG_CATEGORY_INIT(seranet_debug, "seranetupscale", 0, "SeRanet upscaler");
    return gst_element_register(plugin, "seranetupscale", GST_RANK_NONE, GST_TYPE_SERANET_UPSCALE);
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, seranet, "SeRanet super-resolution upscaling", plugin_init,
                  "0.1.0", "unknown", "SeRanet.Video", "SeRanet.Video")
