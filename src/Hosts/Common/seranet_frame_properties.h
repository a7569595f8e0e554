/*
 * The frame properties VapourSynth and AviSynth+ share (_ColorRange, _ChromaLocation), read into
 * a seranet_frame the same way for both hosts. Each host fetches the integer with its own API and
 * says whether it was set; these functions decide what it means. Header-only: each plugin is one
 * shared library with no other C dependency than libseranet.
 */
#ifndef SERANET_FRAME_PROPERTIES_H
#define SERANET_FRAME_PROPERTIES_H

#include <stdint.h>
#include <stdio.h>

#include "seranet.h"

/* _ColorRange into frame->range (unset: limited YUV and grey, full RGB); NULL, or why not. */
static inline const char *seranet_range_property(int is_set, int64_t range, seranet_frame *frame, char *why, size_t why_size)
{
    if (!is_set) {
        frame->range = frame->format == SERANET_FORMAT_RGBP ? SERANET_RANGE_FULL : SERANET_RANGE_LIMITED;
        return NULL;
    }
    if (range != 0 && range != 1) {
        snprintf(why, why_size, "_ColorRange is %lld; 0 (full) or 1 (limited) is expected.", (long long)range);
        return why;
    }
    frame->range = range == 0 ? SERANET_RANGE_FULL : SERANET_RANGE_LIMITED;
    return NULL;
}

/*
 * _ChromaLocation into frame->chroma_siting (unset: left, MPEG-2's); NULL, or why not. Top (3),
 * bottom-left (4) and bottom (5) differ from left and center only vertically, so they are taken
 * where chroma is not subsampled vertically and refused where it is (4:2:0).
 */
static inline const char *seranet_siting_property(int is_set, int64_t location, int subsampled_vertically, seranet_frame *frame,
                                                  char *why, size_t why_size)
{
    static const int sitings[6] = {SERANET_SITING_LEFT, SERANET_SITING_CENTER, SERANET_SITING_TOP_LEFT,
                                   SERANET_SITING_LEFT, SERANET_SITING_LEFT, SERANET_SITING_CENTER};
    static const char *const names[6] = {"left", "center", "top-left", "top", "bottom-left", "bottom"};
    if (!is_set) {
        location = 0;
    }
    if (location < 0 || location > 5) {
        snprintf(why, why_size, "_ChromaLocation is %lld; 0 to 5 is expected.", (long long)location);
        return why;
    }
    if (location >= 3 && subsampled_vertically) {
        snprintf(why, why_size, "_ChromaLocation %lld (%s) is not supported for 4:2:0; use left (0), center (1) or top-left (2).",
                 (long long)location, names[location]);
        return why;
    }
    frame->chroma_siting = sitings[location];
    return NULL;
}

#endif
