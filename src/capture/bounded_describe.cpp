#include <Python.h>

#include "bounded_describe.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace leakscope::capture {

namespace {

// What the describing thread and the one waiting for it share; it lives as long as either needs it.
struct Call
{
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool abandoned = false;
    LiveDescription result;
    LiveDescription sofar;          // what was known when the object's code was last called
    const char* calling = nullptr;  // that call, "repr()" or "dir()"; null before the object's code runs
    unsigned long threadIdent = 0;  // the describing thread, for PyThreadState_SetAsyncExc
};

// Raises TimeoutError in the abandoned call's thread, from a thread of its own: taking the GIL may take
// as long as the object's code keeps it, and nobody waits for that.
void interruptAbandoned(const std::shared_ptr<Call>& call)
{
    std::thread([call] {
        const PyGILState_STATE gil = PyGILState_Ensure();
        {
            // The describing thread marks itself done before it lets go of its thread state, so while
            // it is not done (checked with the GIL held) its identifier is still its own.
            std::lock_guard lock(call->mutex);
            if (!call->done)
                PyThreadState_SetAsyncExc(call->threadIdent, PyExc_TimeoutError);
        }
        PyGILState_Release(gil);
    }).detach();
}

std::string secondsText(std::chrono::milliseconds limit)
{
    const long long ms = limit.count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

} // namespace

BoundedDescription describeLiveObjectWithin(std::uint64_t address, std::uint64_t expectedType,
                                            const std::string& expectedTypeName, std::chrono::milliseconds limit,
                                            std::size_t maxReprBytes)
{
    auto call = std::make_shared<Call>();
    std::thread([call, address, expectedType, expectedTypeName, maxReprBytes] {
        const PyGILState_STATE gil = PyGILState_Ensure();
        {
            std::lock_guard lock(call->mutex);
            call->threadIdent = PyThread_get_thread_ident();
        }
        LiveDescription description = describeLiveObject(
            address, expectedType, expectedTypeName, maxReprBytes, [&call](const LiveDescription& sofar, const char* what) {
                // Once the caller has given up, no more of the object's code runs for it.
                std::lock_guard lock(call->mutex);
                if (call->abandoned)
                    return false;
                call->sofar = sofar;
                call->calling = what;
                return true;
            });
        {
            std::lock_guard lock(call->mutex);
            call->result = std::move(description);
            call->done = true;
        }
        call->finished.notify_all();
        PyGILState_Release(gil);
    }).detach();

    std::unique_lock lock(call->mutex);
    BoundedDescription answer;
    if (call->finished.wait_for(lock, limit, [&call] { return call->done; })) {
        answer.description = std::move(call->result);
        return answer;
    }
    call->abandoned = true;
    if (!call->calling) {
        answer.failure = "the interpreter did not let LeakScope look for the object within " + secondsText(limit)
            + " (another thread keeps the interpreter's lock); nothing of the object ran";
        return answer;
    }
    LiveDescription timedOut = call->sofar;
    const std::string what = call->calling;
    timedOut.error += (timedOut.error.empty() ? "" : "; ") + what + " did not return within " + secondsText(limit)
        + ": LeakScope stopped waiting and raised TimeoutError in it. The object's code may still be running; "
          "the interpreter goes on.";
    answer.description = std::move(timedOut);
    lock.unlock();
    interruptAbandoned(call);
    return answer;
}

} // namespace leakscope::capture
