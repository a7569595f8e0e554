/*
 * seranet_warnings' text a line at a time, for hosts whose log takes one message per call
 * (VapourSynth's logMessage) or which prefix each line (AviSynth+ on standard error). Header-only,
 * like seranet_option_names.h.
 */
#ifndef SERANET_WARNING_LINES_H
#define SERANET_WARNING_LINES_H

#include <string.h>

#include "seranet.h"

/* Calls emit(line, length, context) for each line of the upscaler's warnings; not at all when there are none. */
static inline void seranet_each_warning(const seranet_upscaler *upscaler,
                                        void (*emit)(const char *line, int length, void *context), void *context)
{
    const char *warnings = seranet_warnings(upscaler);
    while (warnings != NULL && warnings[0] != '\0') {
        const char *end = strchr(warnings, '\n');
        emit(warnings, end != NULL ? (int)(end - warnings) : (int)strlen(warnings), context);
        warnings = end != NULL ? end + 1 : NULL;
    }
}

#endif
