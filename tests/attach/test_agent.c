/* A stand-in for LeakScope's agent, for the injector's tests. leakscope_agent_start(arg) only starts a
 * detached thread and returns. arg is "MODE:PATH":
 *   file:PATH    the thread writes "started <pid>\n" to PATH;
 *   python:PATH  the thread takes the GIL (PyGILState_Ensure), reads Py_IsInitialized() and the
 *                number of thread states of the interpreter, releases the GIL and writes
 *                "initialized=<0|1> threads=<n>\n" to PATH;
 *   block:SECONDS  misbehaves on purpose: sleeps in the caller's context before returning, so the
 *                injector's timeout has to interrupt the call.
 * Python's symbols are looked up at run time (dlsym), so the library loads into any process. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*IsInitializedFn)(void);
typedef int (*EnsureFn)(void);
typedef void (*ReleaseFn)(int);
typedef void* (*GetInterpFn)(void);
typedef void* (*ThreadHeadFn)(void*);
typedef void* (*ThreadNextFn)(void*);
typedef void* (*GetThisFn)(void);

static void write_text(const char* path, const char* text)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE* f = fopen(tmp, "w");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
    rename(tmp, path); /* the file appears complete */
}

static void* agent_main(void* raw)
{
    char* arg = raw;
    char text[256];
    if (strncmp(arg, "file:", 5) == 0) {
        snprintf(text, sizeof text, "started %d\n", (int)getpid());
        write_text(arg + 5, text);
    } else if (strncmp(arg, "python:", 7) == 0) {
        IsInitializedFn isInit;
        *(void**)&isInit = dlsym(RTLD_DEFAULT, "Py_IsInitialized");
        EnsureFn ensure;
        *(void**)&ensure = dlsym(RTLD_DEFAULT, "PyGILState_Ensure");
        ReleaseFn release;
        *(void**)&release = dlsym(RTLD_DEFAULT, "PyGILState_Release");
        GetThisFn getThis;
        *(void**)&getThis = dlsym(RTLD_DEFAULT, "PyThreadState_Get");
        GetInterpFn getInterp;
        *(void**)&getInterp = dlsym(RTLD_DEFAULT, "PyInterpreterState_Get");
        ThreadHeadFn head;
        *(void**)&head = dlsym(RTLD_DEFAULT, "PyInterpreterState_ThreadHead");
        ThreadNextFn next;
        *(void**)&next = dlsym(RTLD_DEFAULT, "PyThreadState_Next");
        if (!isInit || !ensure || !release || !getThis || !getInterp || !head || !next) {
            write_text(arg + 7, "no-python\n");
        } else if (!isInit()) {
            write_text(arg + 7, "initialized=0 threads=0\n");
        } else {
            int state = ensure();
            int initialized = isInit();
            int threads = 0;
            for (void* ts = head(getInterp()); ts; ts = next(ts))
                ++threads;
            release(state);
            /* The agent's own thread state counts while it holds the GIL; report the target's. */
            snprintf(text, sizeof text, "initialized=%d threads=%d\n", initialized, threads - 1);
            write_text(arg + 7, text);
        }
    }
    free(arg);
    return NULL;
}

__attribute__((visibility("default"))) int leakscope_agent_start(const char* arg)
{
    if (arg && strncmp(arg, "block:", 6) == 0) {
        sleep((unsigned)atoi(arg + 6));
        return 0;
    }
    char* copy = strdup(arg ? arg : "");
    if (!copy)
        return 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, agent_main, copy);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        free(copy);
        return 2;
    }
    return 0;
}
