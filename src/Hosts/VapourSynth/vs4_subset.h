/*
 * The part of VapourSynth's API 4 (VapourSynth4.h) that seranet_vs.c uses, declared here so the
 * plugin builds without VapourSynth installed (Debian 12 does not package it). VSAPI is a table
 * of function pointers read by position: every member up to the last one the plugin calls is
 * declared in VapourSynth4.h's order, the ones it does not call as untyped placeholders. The
 * test suite's stand-in host (tests/native/fake_vapoursynth_host.c) fills the same table.
 */
#ifndef SERANET_VS4_SUBSET_H
#define SERANET_VS4_SUBSET_H

#include <stddef.h>
#include <stdint.h>

#define VS_MAKE_VERSION(major, minor) (((major) << 16) | (minor))
#define VAPOURSYNTH_API_VERSION VS_MAKE_VERSION(4, 0)

typedef struct VSFrame VSFrame;
typedef struct VSNode VSNode;
typedef struct VSCore VSCore;
typedef struct VSPlugin VSPlugin;
typedef struct VSMap VSMap;
typedef struct VSFrameContext VSFrameContext;
typedef struct VSPLUGINAPI VSPLUGINAPI;
typedef struct VSAPI VSAPI;

enum { cfUndefined = 0, cfGray = 1, cfRGB = 2, cfYUV = 3 };
enum { stInteger = 0, stFloat = 1 };
enum { fmParallel = 0, fmParallelRequests = 1, fmUnordered = 2, fmFrameState = 3 };
enum { peSuccess = 0, peUnset = 1, peType = 2, peError = 3, peIndex = 4 };
enum { rpGeneral = 0, rpNoFrameReuse = 1, rpStrictSpatial = 2 };
enum { arInitial = 0, arAllFramesReady = 1, arError = -1 };
enum { pcModifiable = 1 };
enum { mtDebug = 0, mtInformation = 1, mtWarning = 2, mtCritical = 3, mtFatal = 4 };

typedef struct VSVideoFormat {
    int colorFamily;
    int sampleType;
    int bitsPerSample;
    int bytesPerSample;
    int subSamplingW; /* log2 of the chroma subsampling */
    int subSamplingH;
    int numPlanes;
} VSVideoFormat;

typedef struct VSVideoInfo {
    VSVideoFormat format;
    int64_t fpsNum;
    int64_t fpsDen;
    int width;
    int height;
    int numFrames;
} VSVideoInfo;

typedef void (*VSPublicFunction)(const VSMap *in, VSMap *out, void *userData, VSCore *core, const VSAPI *vsapi);
typedef const VSFrame *(*VSFilterGetFrame)(int n, int activationReason, void *instanceData, void **frameData,
                                           VSFrameContext *frameCtx, VSCore *core, const VSAPI *vsapi);
typedef void (*VSFilterFree)(void *instanceData, VSCore *core, const VSAPI *vsapi);

struct VSPLUGINAPI {
    int (*getAPIVersion)(void);
    int (*configPlugin)(const char *identifier, const char *pluginNamespace, const char *name, int pluginVersion,
                        int apiVersion, int flags, VSPlugin *plugin);
    int (*registerFunction)(const char *name, const char *args, const char *returnType, VSPublicFunction argsFunc,
                            void *functionData, VSPlugin *plugin);
};

typedef struct VSFilterDependency {
    VSNode *source;
    int requestPattern;
} VSFilterDependency;

struct VSAPI {
    void (*createVideoFilter)(VSMap *out, const char *name, const VSVideoInfo *vi, VSFilterGetFrame getFrame,
                              VSFilterFree free, int filterMode, const VSFilterDependency *dependencies, int numDeps,
                              void *instanceData, VSCore *core);
    void *createVideoFilter2, *createAudioFilter, *createAudioFilter2, *setLinearFilter, *setCacheMode,
        *setCacheOptions;
    void (*freeNode)(VSNode *node);
    void *addNodeRef, *getNodeType;
    const VSVideoInfo *(*getVideoInfo)(VSNode *node);
    void *getAudioInfo;
    VSFrame *(*newVideoFrame)(const VSVideoFormat *format, int width, int height, const VSFrame *propSrc, VSCore *core);
    void *newVideoFrame2, *newAudioFrame, *newAudioFrame2;
    void (*freeFrame)(const VSFrame *f);
    void *addFrameRef, *copyFrame;
    const VSMap *(*getFramePropertiesRO)(const VSFrame *f);
    void *getFramePropertiesRW;
    ptrdiff_t (*getStride)(const VSFrame *f, int plane);
    const uint8_t *(*getReadPtr)(const VSFrame *f, int plane);
    uint8_t *(*getWritePtr)(VSFrame *f, int plane);
    void *getVideoFrameFormat, *getAudioFrameFormat, *getFrameType, *getFrameWidth, *getFrameHeight, *getFrameLength;
    void *getVideoFormatName, *getAudioFormatName, *queryVideoFormat, *queryAudioFormat, *queryVideoFormatID,
        *getVideoFormatByID;
    void *getFrame, *getFrameAsync;
    const VSFrame *(*getFrameFilter)(int n, VSNode *node, VSFrameContext *frameCtx);
    void (*requestFrameFilter)(int n, VSNode *node, VSFrameContext *frameCtx);
    void *releaseFrameEarly, *cacheFrame;
    void (*setFilterError)(const char *errorMessage, VSFrameContext *frameCtx);
    void *createFunction, *freeFunction, *addFunctionRef, *callFunction;
    void *createMap, *freeMap, *clearMap, *copyMap;
    void (*mapSetError)(VSMap *map, const char *errorMessage);
    void *mapGetError, *mapNumKeys, *mapGetKey, *mapDeleteKey, *mapNumElements, *mapGetType, *mapSetEmpty;
    int64_t (*mapGetInt)(const VSMap *map, const char *key, int index, int *error);
    void *mapGetIntSaturated, *mapGetIntArray, *mapSetInt, *mapSetIntArray;
    double (*mapGetFloat)(const VSMap *map, const char *key, int index, int *error);
    void *mapGetFloatSaturated, *mapGetFloatArray, *mapSetFloat, *mapSetFloatArray;
    const char *(*mapGetData)(const VSMap *map, const char *key, int index, int *error);
    void *mapGetDataSize, *mapGetDataTypeHint, *mapSetData;
    VSNode *(*mapGetNode)(const VSMap *map, const char *key, int index, int *error);
    void *mapSetNode, *mapConsumeNode, *mapGetFrame, *mapSetFrame, *mapConsumeFrame, *mapGetFunction, *mapSetFunction,
        *mapConsumeFunction;
    void *registerFunction, *getPluginByID, *getPluginByNamespace, *getNextPlugin, *getPluginName, *getPluginID,
        *getPluginNamespace, *getNextPluginFunction, *getPluginFunctionByName, *getPluginFunctionName,
        *getPluginFunctionArguments, *getPluginFunctionReturnType, *getPluginPath, *getPluginVersion, *invoke;
    void *createCore, *freeCore, *setMaxCacheSize, *setThreadCount, *getCoreInfo, *getAPIVersion;
    void (*logMessage)(int msgType, const char *msg, VSCore *core);
    /* Later members are not used by the plugin. */
};

/* The plugin's entry point, looked up by name when VapourSynth loads the library. */
void VapourSynthPluginInit2(VSPlugin *plugin, const VSPLUGINAPI *vspapi);

#endif /* SERANET_VS4_SUBSET_H */
