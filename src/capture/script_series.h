#pragma once

// leakscope._Series: a series of snapshots taken by the script, fed to a GrowthAnalysis with the run's
// ignore rules and delivered through ScriptHooks (each as it is taken, or all at finish() for a series
// that keeps them). iterate() and the pytest plugin, in Python, are built on it.

#include <Python.h>

namespace leakscope::capture {

// A new reference to the type, made for the module; null with an exception set on failure.
PyObject* createSeriesType(PyObject* module);


} // namespace leakscope::capture
