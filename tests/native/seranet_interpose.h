/*
 * For the stand-in hosts (built with -rdynamic): libseranet functions defined in the executable,
 * which the plugin's calls bind to before libseranet's own (the executable comes first in symbol
 * lookup). Each notes what the plugin passed and calls the library's function.
 */
#ifndef SERANET_INTERPOSE_H
#define SERANET_INTERPOSE_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "seranet.h"

/* libseranet's own function: the library is loaded by then, as the plugin's dependency. */
static void *libseranet_function(const char *name)
{
    void *library = dlopen("libseranet.so", RTLD_NOW | RTLD_NOLOAD);
    void *function = library != NULL ? dlsym(library, name) : NULL;
    if (function == NULL) {
        fprintf(stderr, "fatal: libseranet's %s not found\n", name);
        exit(6);
    }
    return function;
}

/* ABI 3's fields of the plugin's latest seranet_open; -1 before one, or from a smaller struct. */
static int32_t opened_precision = -1, opened_tta = -1;

seranet_status seranet_open(const seranet_options *options, seranet_upscaler **upscaler)
{
    seranet_status (*next)(const seranet_options *, seranet_upscaler **) =
        (seranet_status(*)(const seranet_options *, seranet_upscaler **))libseranet_function("seranet_open");
    opened_precision = opened_tta = -1;
    if (options != NULL && options->struct_size >= sizeof *options) {
        opened_precision = options->precision;
        opened_tta = options->tta;
    }
    return next(options, upscaler);
}

#endif
