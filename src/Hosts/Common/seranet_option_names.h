/*
 * The option names every host plugin takes as strings (device, precision), read into
 * seranet_options' values the same way for GStreamer, VapourSynth and AviSynth+. Header-only, like
 * seranet_frame_properties.h.
 */
#ifndef SERANET_OPTION_NAMES_H
#define SERANET_OPTION_NAMES_H

#include <string.h>

#include "seranet.h"

/* "auto" (or NULL: not given), "cpu" or "cuda" as a seranet_device; -1 for anything else. */
static inline int32_t seranet_device_named(const char *name)
{
    return name == NULL || strcmp(name, "auto") == 0 ? SERANET_DEVICE_AUTO
           : strcmp(name, "cpu") == 0                ? SERANET_DEVICE_CPU
           : strcmp(name, "cuda") == 0               ? SERANET_DEVICE_CUDA
                                                     : -1;
}

/* "fp32" (or NULL: not given) or "bf16" as a seranet_precision; -1 for anything else. */
static inline int32_t seranet_precision_named(const char *name)
{
    return name == NULL || strcmp(name, "fp32") == 0 ? SERANET_PRECISION_FP32
           : strcmp(name, "bf16") == 0               ? SERANET_PRECISION_BF16
                                                     : -1;
}

#endif
