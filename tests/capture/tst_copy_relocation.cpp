// Type origins in an executable that holds a copy of libpython's PyDict_Type (a copy relocation): the
// origin must still be libpython, where the type is defined, not the executable.
#include "python_session.h"

#include "capture/heap_capture.h"

#include <QtTest/QtTest>

#include <dlfcn.h>

#include <string>

extern "C" const void* leakscope_dict_type_as_seen_by_the_executable(void);

using namespace leakscope;

class TestCopyRelocation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void originIsTheDefiningLibrary()
    {
        testing::interpreter();
        // The precondition: the dict type the interpreter uses is the executable's copy.
        const void* dictType = leakscope_dict_type_as_seen_by_the_executable();
        QCOMPARE(dictType, static_cast<const void*>(&PyDict_Type));
        Dl_info info{};
        QVERIFY(dladdr(dictType, &info));
        Dl_info self{};
        QVERIFY(dladdr(reinterpret_cast<void*>(&leakscope_dict_type_as_seen_by_the_executable), &self));
        if (info.dli_fbase != self.dli_fbase)
            QFAIL("no copy relocation: the linker left PyDict_Type in libpython, so this test proves nothing");

        const SnapshotPtr snapshot = capture::captureHeap();
        for (TypeIndex t = 0; t < snapshot->typeCount(); ++t) {
            if (snapshot->typeName(t) != "builtins.dict")
                continue;
            const std::string library(snapshot->string(snapshot->type(t).library));
            QVERIFY2(library.find("libpython3.11") != std::string::npos, library.c_str());
            QCOMPARE(std::string(snapshot->string(snapshot->type(t).symbol)), std::string("PyDict_Type"));
            return;
        }
        QFAIL("no builtins.dict in the snapshot");
    }
};

QTEST_GUILESS_MAIN(TestCopyRelocation)
#include "tst_copy_relocation.moc"
