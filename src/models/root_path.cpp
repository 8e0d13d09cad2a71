#include "root_path.h"

#include "model_text.h"

#include <QtCore/QCoreApplication>

#include <algorithm>
#include <limits>

namespace leakscope {

namespace {

constexpr ObjectIndex kUnvisited = std::numeric_limits<ObjectIndex>::max();

QString tr(const char* text)
{
    return QCoreApplication::translate("leakscope::RootPaths", text);
}

// The path from root down to the target, following the referents the search came through.
std::vector<ObjectIndex> pathFrom(ObjectIndex root, ObjectIndex target, const std::vector<ObjectIndex>& towardTarget)
{
    std::vector<ObjectIndex> path{root};
    for (ObjectIndex object = root; object != target;) {
        object = towardTarget[object];
        path.push_back(object);
    }
    return path;
}

// The answer when no search is needed: no such object, or the target is a root; else false.
bool answerWithoutSearch(const AnalyzedSnapshot& analyzed, ObjectIndex target, RootPaths& result)
{
    if (target >= analyzed.snapshot().objectCount()) {
        result.status = RootPaths::NoSuchObject;
        result.reason = tr("The object is not in this snapshot.");
        return true;
    }
    if (analyzed.analysis().referrerCount(target) == 0) {
        result.status = RootPaths::TargetIsRoot;
        result.reason = tr("Nothing in the snapshot refers to the object: it is a root itself.");
        return true;
    }
    return false;
}

} // namespace

RootPaths rootPaths(const AnalyzedSnapshot& analyzed, ObjectIndex target, std::size_t maxPaths)
{
    RootPaths result;
    if (answerWithoutSearch(analyzed, target, result))
        return result;
    return rootPaths(analyzed, ReferrerIndex(analyzed.snapshot()), target, maxPaths);
}

RootPaths rootPaths(const AnalyzedSnapshot& analyzed, const ReferrerIndex& referrers, ObjectIndex target,
                    std::size_t maxPaths)
{
    const Snapshot& snapshot = analyzed.snapshot();
    const HeapAnalysis& analysis = analyzed.analysis();
    RootPaths result;
    if (answerWithoutSearch(analyzed, target, result))
        return result;
    maxPaths = std::max<std::size_t>(maxPaths, 1);

    // towardTarget[o] is the referent through which the search reached o: one step closer to the
    // target. Every object is queued at most once, so each referrer list is read at most once.
    std::vector<ObjectIndex> towardTarget(snapshot.objectCount(), kUnvisited);
    std::vector<ObjectIndex> queue{target};
    towardTarget[target] = target;
    for (std::size_t head = 0; head < queue.size(); ++head) {
        const ObjectIndex object = queue[head];
        if (analysis.referrerCount(object) == 0) {
            result.paths.push_back(pathFrom(object, target, towardTarget));
            if (result.paths.size() == maxPaths)
                break;
            continue;
        }
        for (ObjectIndex referrer : referrers.referrers(object)) {
            if (towardTarget[referrer] == kUnvisited) {
                towardTarget[referrer] = object;
                queue.push_back(referrer);
            }
        }
    }

    if (result.paths.empty()) {
        // A finite set of objects that all have referrers among themselves contains a cycle.
        result.status = RootPaths::HeldOnlyByCycle;
        result.reason = tr("Held only by a cycle: every chain of referrers loops back without reaching a "
                           "root, so whatever keeps the cycle alive is outside the snapshot.");
    } else {
        result.status = RootPaths::Found;
    }
    return result;
}

QString stepEdgeText(const Snapshot& snapshot, const std::vector<ObjectIndex>& path, std::size_t k)
{
    if (k == 0 || k >= path.size())
        return {};
    const std::uint32_t edge = snapshot.edgeTo(path[k - 1], path[k]);
    return toQString(edgeName(snapshot, path[k - 1], edge));
}

QString objectLineText(const Snapshot& snapshot, ObjectIndex object)
{
    if (object >= snapshot.objectCount())
        return {};
    std::string scratch;
    QString line = addressText(snapshot.address(object));
    line += QLatin1Char(' ');
    line += toQString(snapshot.typeNameOf(object));
    line += QLatin1Char(' ');
    line += toQString(displayRepr(snapshot, object, scratch));
    return line;
}

QString rootPathText(const AnalyzedSnapshot& analyzed, const RootPaths& found, ObjectIndex target)
{
    const Snapshot& snapshot = analyzed.snapshot();
    if (found.paths.empty()) {
        const QString line = objectLineText(snapshot, target);
        return line.isEmpty() ? found.reason : line + QLatin1Char('\n') + found.reason;
    }
    const std::vector<ObjectIndex>& path = found.paths.front();
    QString text;
    for (std::size_t k = 0; k < path.size(); ++k) {
        if (k > 0) {
            text += QStringLiteral("\n  ");
            if (const QString via = stepEdgeText(snapshot, path, k); !via.isEmpty())
                text += via + QStringLiteral(" \u2192 ");
        }
        text += objectLineText(snapshot, path[k]);
    }
    return text;
}

} // namespace leakscope
