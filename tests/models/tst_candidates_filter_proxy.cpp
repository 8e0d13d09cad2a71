// CandidatesFilterProxy on the hand-built heap: each filter alone and combined, sorting by every
// column on raw values, and no model reset for any filter change. Each filter test runs twice: with
// the incremental filter change (rows removed and inserted) and with the layout change that big
// models get.

#include "models_fixture.h"

#include "models/candidates_filter_proxy.h"
#include "models/type_summary_model.h"

#include <QtCore/QRegularExpression>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using Objects = std::vector<ObjectIndex>;
using C = CandidatesModel;
using Key = CandidateGroupKey;
constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

} // namespace

class TestCandidatesFilterProxy : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<CandidatesModel> m_model;
    std::unique_ptr<CandidatesFilterProxy> m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;

    CandidatesFilterProxy& proxy() { return *m_proxy; }
    Objects rows() { return objectsOf(*m_proxy); }

    static void addPaths()
    {
        QTest::addColumn<int>("incrementalLimit");
        QTest::newRow("incremental") << CandidatesFilterProxy::kDefaultIncrementalFilterLimit;
        QTest::newRow("layout change") << 0;
    }
    void applyPath()
    {
        QFETCH(int, incrementalLimit);
        m_proxy->setIncrementalFilterLimit(incrementalLimit);
    }

private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<CandidatesModel>();
        m_proxy = std::make_unique<CandidatesFilterProxy>();
        m_modelTester = std::make_unique<QAbstractItemModelTester>(m_model.get(), kQtTest);
        m_proxyTester = std::make_unique<QAbstractItemModelTester>(m_proxy.get(), kQtTest);
        m_proxy->setSourceModel(m_model.get());
        m_model->setSnapshot(fixtureSnapshot());
    }

    void cleanup()
    {
        m_proxyTester.reset();
        m_modelTester.reset();
        m_proxy.reset();
        m_model.reset();
    }

    // Rows the source prepares off the GUI thread (past its background row limit, here 0) are narrowed
    // there by the proxy's filters: the same rows in the same order as the proxy's own filter pass over
    // every row gives, through filter changes, sorts and list modes.
    void narrowedRowsAreTheFilteredOnes()
    {
        CandidatesModel narrowedModel;
        narrowedModel.setBackgroundRowLimit(0);
        CandidatesFilterProxy narrowed;
        QAbstractItemModelTester modelTester(&narrowedModel, kQtTest);
        QAbstractItemModelTester proxyTester(&narrowed, kQtTest);
        narrowed.setSourceModel(&narrowedModel);
        narrowedModel.setSnapshot(fixtureSnapshot());
        QVERIFY(narrowedModel.isPreparingRows());
        QCOMPARE(narrowed.rowCount(), 0); // not yet
        QTRY_VERIFY(!narrowedModel.isPreparingRows());
        QVERIFY(narrowedModel.isNarrowed());
        QVERIFY(!m_model->isNarrowed());

        const std::vector<std::pair<const char*, std::function<void(CandidatesModel&, CandidatesFilterProxy&)>>> steps{
            {"suspects", [](CandidatesModel&, CandidatesFilterProxy&) {}},
            {"text", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setFilterText(QStringLiteral("leaky"), false); }},
            {"regex", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setFilterText(QStringLiteral("le.ky|dict"), true); }},
            {"explained", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setShowExplained(true); }},
            {"no text", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setFilterText(QString(), false); }},
            {"by type", [](CandidatesModel&, CandidatesFilterProxy& p) { p.sort(C::TypeColumn); }},
            {"types", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setTypeFilter({Leaky, Dict}); }},
            {"size", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setMinimumSize(48); }},
            {"by size", [](CandidatesModel&, CandidatesFilterProxy& p) { p.sort(C::SizeColumn, Qt::DescendingOrder); }},
            {"all types", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setTypeFilter({}); }},
            {"all objects", [](CandidatesModel& m, CandidatesFilterProxy&) { m.setListMode(C::ListMode::AllObjects); }},
            {"any size", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setMinimumSize(0); }},
            {"groups", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setGroupFilter({{Key::Ignored, {}}, {Key::Suspects, {}}}); }},
            {"by repr", [](CandidatesModel&, CandidatesFilterProxy& p) { p.sort(C::ReprColumn); }},
            {"no groups", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setGroupFilter({}); }},
            {"objects", [](CandidatesModel&, CandidatesFilterProxy& p) { p.setObjectFilter({1, 2, 5, 9}); }},
            {"candidates", [](CandidatesModel& m, CandidatesFilterProxy&) { m.setListMode(C::ListMode::Candidates); }},
            {"by address", [](CandidatesModel&, CandidatesFilterProxy& p) { p.sort(C::AddressColumn, Qt::DescendingOrder); }},
        };
        for (const auto& [what, step] : steps) {
            step(*m_model, proxy());
            step(narrowedModel, narrowed);
            QTRY_VERIFY2(!narrowedModel.isPreparingRows(), what);
            QVERIFY2(objectsOf(narrowed) == rows(), what);
            QVERIFY2(narrowedModel.isNarrowed(), what);
            QVERIFY2(narrowedModel.matchedRowCount() == rows().size(), what);
            QVERIFY2(narrowedModel.unnarrowedRowCount() == std::size_t(m_model->rowCount()), what);
        }
        QVERIFY(!rows().empty());

        // Filters that together keep nothing: how many each alone hides is counted off the GUI thread
        // too, as the empty table's hint asks.
        for (CandidatesFilterProxy* p : {m_proxy.get(), &narrowed}) {
            p->setTypeFilter({Leaky});
            p->setFilterText(QStringLiteral("no such text"), false);
        }
        QTRY_VERIFY(!narrowedModel.isPreparingRows());
        QCOMPARE(narrowed.rowCount(), 0);
        QCOMPARE(proxy().rowCount(), 0);
        using P = CandidatesFilterProxy;
        for (unsigned lifted : {unsigned(P::TextCriterion), unsigned(P::TypeCriterion), unsigned(P::SizeCriterion),
                                unsigned(P::GroupCriterion), unsigned(P::ObjectCriterion), 0u}) {
            QCOMPARE(narrowed.countAcceptedWithout(lifted), proxy().countAcceptedWithout(lifted));
        }
        QVERIFY(proxy().countAcceptedWithout(P::TextCriterion) > 0); // the text alone hides them
    }

    void suspectsOnlyByDefault()
    {
        QCOMPARE(proxy().sortRole(), int(SortRole));
        QVERIFY(!proxy().showExplained());
        QCOMPARE(rows(), (Objects{0, 2, 3, 6, 9}));
    }

    void showExplained_data() { addPaths(); }
    void showExplained()
    {
        applyPath();
        proxy().setShowExplained(true);
        QCOMPARE(rows(), (Objects{0, 2, 3, 5, 6, 7, 9}));
        proxy().setShowExplained(false);
        QCOMPARE(rows(), (Objects{0, 2, 3, 6, 9}));
    }

    void typeFilter_data() { addPaths(); }
    void typeFilter()
    {
        applyPath();
        proxy().setTypeFilter({Leaky, Other});
        QCOMPARE(rows(), (Objects{2, 6}));
        proxy().setShowExplained(true);
        proxy().setTypeFilter({Dict});
        QCOMPARE(rows(), (Objects{0, 5}));
        proxy().setTypeFilter({99}); // no such type: nothing is allowed
        QCOMPARE(rows(), Objects{});
        proxy().setTypeFilter({});
        QCOMPARE(rows(), (Objects{0, 2, 3, 5, 6, 7, 9}));
    }

    void minimumSize_data() { addPaths(); }
    void minimumSize()
    {
        applyPath();
        proxy().setMinimumSize(100);
        QCOMPARE(rows(), (Objects{0, 3, 6, 9}));
        proxy().setMinimumSize(101);
        QCOMPARE(rows(), (Objects{0, 3, 9}));
        proxy().setMinimumSize(0);
        QCOMPARE(rows(), (Objects{0, 2, 3, 6, 9}));
    }

    void plainText_data() { addPaths(); }
    void plainText()
    {
        applyPath();
        const auto filtered = [&](const QString& text) {
            proxy().setFilterText(text, false);
            return rows();
        };
        QCOMPARE(filtered(QStringLiteral("leaky")), (Objects{0, 2})); // type of 2, repr of 0
        QCOMPARE(filtered(QStringLiteral("LIST")), (Objects{3}));
        QCOMPARE(filtered(QStringLiteral("[1, 2")), (Objects{3})); // not a regular expression
        QCOMPARE(filtered(QStringLiteral("at 0x10")), (Objects{2})); // the default repr
        QCOMPARE(filtered(QStringLiteral("NA\u00cfVE")), (Objects{6}));
        QCOMPARE(filtered(QStringLiteral("nothing like it")), Objects{});
        QCOMPARE(filtered(QString()), (Objects{0, 2, 3, 6, 9}));
        QVERIFY(proxy().isFilterValid());

        // KELVIN SIGN folds to 'k', as in QString::contains().
        QVERIFY(QStringLiteral("{'\u212a': 1}").contains(QStringLiteral("k"), Qt::CaseInsensitive));
        proxy().setShowExplained(true);
        QCOMPARE(filtered(QStringLiteral("k")), (Objects{0, 2, 5}));
    }

    // Each text reuses what the one before it decided only where that still holds.
    void textSequences_data() { addPaths(); }
    void textSequences()
    {
        applyPath();
        const auto filtered = [&](const char* text, bool regex = false) {
            proxy().setFilterText(QString::fromUtf8(text), regex);
            return rows();
        };
        QCOMPARE(filtered("le"), (Objects{0, 2}));
        QCOMPARE(filtered("leaky"), (Objects{0, 2})); // narrows "le"
        QCOMPARE(filtered("list"), (Objects{3}));     // unrelated to "leaky"
        QCOMPARE(filtered("l"), (Objects{0, 2, 3, 9})); // widens "list"; "builtins" has an l
        QCOMPARE(filtered("li"), (Objects{3}));
        QCOMPARE(filtered("li", true), (Objects{3}));
        QCOMPARE(filtered("l|x", true), (Objects{0, 2, 3, 6, 9}));
        QCOMPARE(filtered("x"), (Objects{0, 2, 6, 9})); // "ext." in 0's repr and in the types of 2 and 6
        proxy().setMinimumSize(100);
        QCOMPARE(filtered("xx"), (Objects{9}));
        proxy().setMinimumSize(0);
        QCOMPARE(rows(), (Objects{9}));
        proxy().setShowExplained(true);
        QCOMPARE(filtered("k"), (Objects{0, 2, 5}));
        m_model->setSnapshot(otherSnapshot());
        QCOMPARE(filtered("thing"), (Objects{0, 1}));
        QCOMPARE(filtered("thing("), (Objects{0}));
    }

    void regexText_data() { addPaths(); }
    void regexText()
    {
        applyPath();
        const auto filtered = [&](const QString& text) {
            proxy().setFilterText(text, true);
            return rows();
        };
        QCOMPARE(filtered(QStringLiteral("^\\[1")), (Objects{3}));
        QCOMPARE(filtered(QStringLiteral("leaky|other")), (Objects{0, 2, 6}));
        QCOMPARE(filtered(QStringLiteral("^x{300}$")), (Objects{9}));
        QCOMPARE(filtered(QStringLiteral("^<ext\\.leaky at 0x10>$")), (Objects{2}));
        QCOMPARE(filtered(QStringLiteral("^builtins\\.(dict|list)$")), (Objects{0, 3}));
        QVERIFY(proxy().isFilterRegex());
        QVERIFY(proxy().isFilterValid());
    }

    void invalidRegexMatchesNothing_data() { addPaths(); }
    void invalidRegexMatchesNothing()
    {
        applyPath();
        QSignalSpy validity(m_proxy.get(), &CandidatesFilterProxy::filterValidChanged);
        proxy().setFilterText(QStringLiteral("[1"), true);
        QVERIFY(!proxy().isFilterValid());
        QVERIFY(!proxy().filterErrorString().isEmpty());
        QCOMPARE(rows(), Objects{});
        QCOMPARE(validity.count(), 1);
        QCOMPARE(validity.at(0).at(0).toBool(), false);

        proxy().setFilterText(QStringLiteral("[1"), false);
        QVERIFY(proxy().isFilterValid());
        QVERIFY(proxy().filterErrorString().isEmpty());
        QCOMPARE(rows(), (Objects{3}));
        QCOMPARE(validity.count(), 2);
        QCOMPARE(validity.at(1).at(0).toBool(), true);
    }

    void filtersCombine_data() { addPaths(); }
    void filtersCombine()
    {
        applyPath();
        proxy().setShowExplained(true);
        proxy().setMinimumSize(10);
        proxy().setFilterText(QStringLiteral("dict"), false);
        QCOMPARE(rows(), (Objects{0})); // 5 is a dict of 9 bytes
        proxy().setMinimumSize(0);
        QCOMPARE(rows(), (Objects{0, 5}));
        proxy().setTypeFilter({Leaky});
        QCOMPARE(rows(), Objects{}); // "dict" is in neither the type nor the repr of 2
    }

    void sortByEachColumn_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<Objects>("ascending");
        QTest::newRow("address") << int(C::AddressColumn) << Objects{2, 6, 3, 9, 0, 7, 5};
        QTest::newRow("type") << int(C::TypeColumn) << Objects{9, 0, 5, 3, 7, 2, 6};
        QTest::newRow("library") << int(C::LibraryColumn) << Objects{6, 2, 0, 3, 5, 7, 9};
        QTest::newRow("size") << int(C::SizeColumn) << Objects{5, 7, 2, 6, 0, 9, 3};
        QTest::newRow("refcount") << int(C::RefcountColumn) << Objects{6, 3, 2, 7, 9, 0, 5};
        QTest::newRow("referrers") << int(C::ReferrersColumn) << Objects{0, 2, 3, 5, 6, 7, 9};
        // Surplus: none, then the explained ones (tuple 5, dict 100), then those nothing explains.
        QTest::newRow("surplus") << int(C::SurplusColumn) << Objects{6, 7, 5, 3, 2, 9, 0};
        QTest::newRow("referents") << int(C::ReferentsColumn) << Objects{2, 5, 9, 0, 6, 3, 7};
        QTest::newRow("explanation") << int(C::ExplanationColumn) << Objects{0, 2, 3, 6, 9, 7, 5};
        QTest::newRow("repr") << int(C::ReprColumn) << Objects{7, 2, 6, 3, 9, 0, 5};
    }
    void sortByEachColumn()
    {
        QFETCH(int, column);
        QFETCH(Objects, ascending);
        proxy().setShowExplained(true);
        proxy().sort(column, Qt::AscendingOrder);
        QCOMPARE(rows(), ascending);
        QCOMPARE(proxy().sortColumn(), column);
        QCOMPARE(proxy().sortOrder(), Qt::AscendingOrder);
        QCOMPARE(m_model->sortColumn(), column);

        // QSortFilterProxyModel's own sort on SortRole values, over an unsorted model, agrees.
        CandidatesModel unsorted;
        unsorted.setSnapshot(m_model->analyzedSnapshot());
        QSortFilterProxyModel plain;
        QAbstractItemModelTester plainTester(&plain, kQtTest);
        plain.setSourceModel(&unsorted);
        plain.setSortRole(SortRole);
        plain.sort(column, Qt::AscendingOrder);
        QCOMPARE(objectsOf(plain), ascending);

        proxy().sort(column, Qt::DescendingOrder);
        QCOMPARE(proxy().sortOrder(), Qt::DescendingOrder);
        Objects descending = rows();
        std::reverse(descending.begin(), descending.end());
        const bool ties = column == C::TypeColumn || column == C::LibraryColumn || column == C::ReferrersColumn
            || column == C::ReferentsColumn || column == C::ExplanationColumn;
        if (!ties)
            QCOMPARE(descending, ascending);
        plain.sort(column, Qt::DescendingOrder);
        QCOMPARE(rows(), objectsOf(plain));
    }

    void sortingSurvivesFilterChanges_data() { addPaths(); }
    void sortingSurvivesFilterChanges()
    {
        applyPath();
        proxy().sort(C::SizeColumn, Qt::DescendingOrder);
        QCOMPARE(rows(), (Objects{3, 9, 0, 6, 2}));
        proxy().setShowExplained(true);
        QCOMPARE(rows(), (Objects{3, 9, 0, 6, 2, 7, 5}));
        proxy().setFilterText(QStringLiteral("dict|list"), true);
        QCOMPARE(rows(), (Objects{3, 0, 5}));
        proxy().setFilterText(QString(), false);
        QCOMPARE(rows(), (Objects{3, 9, 0, 6, 2, 7, 5}));
    }

    // On a big heap the text is matched on two threads, half the rows each: both halves decide their
    // rows, for a plain text and a regular expression alike.
    void bigHeapMatchesTextInBothHalves()
    {
        GraphSpec spec;
        constexpr int kObjects = 120000;
        for (int i = 0; i < kObjects; ++i) {
            Obj object;
            object.repr = "Item(" + std::to_string(i) + ")";
            spec.objects.push_back(object);
        }
        CandidatesModel model;
        CandidatesFilterProxy shown;
        QAbstractItemModelTester tester(&shown, kQtTest);
        shown.setSourceModel(&model);
        model.setSnapshot(std::make_shared<const Snapshot>(buildColumns(spec)));
        QCOMPARE(shown.rowCount(), kObjects);
        const std::pair<QString, bool> filters[] = {{QStringLiteral("ITEM(1199"), false},
                                                    {QStringLiteral("^item\\((1|7)1\\d99\\)$"), true}};
        for (const auto& [pattern, regex] : filters) {
            shown.setFilterText(pattern, regex);
            const QRegularExpression expression(regex ? pattern : QRegularExpression::escape(pattern),
                                                QRegularExpression::CaseInsensitiveOption);
            Objects expected;
            for (int i = 0; i < kObjects; ++i) {
                if (expression.match(QStringLiteral("Item(%1)").arg(i)).hasMatch())
                    expected.push_back(static_cast<ObjectIndex>(i));
            }
            QVERIFY(expected.front() < kObjects / 2);
            QVERIFY(expected.back() >= kObjects / 2);
            QCOMPARE(objectsOf(shown), expected);
        }
    }

    // The proxy decides its rows once per filter change, per row of the source: a sort moves the
    // rows, and what was decided must move with them.
    void filtersHoldAcrossSorts_data() { addPaths(); }
    void filtersHoldAcrossSorts()
    {
        applyPath();
        proxy().setShowExplained(true);
        proxy().setFilterText(QStringLiteral("dict|list"), true);
        Objects shown = rows();
        std::sort(shown.begin(), shown.end());
        QVERIFY(!shown.empty());
        QVERIFY(static_cast<int>(shown.size()) < m_model->rowCount());
        const std::pair<int, Qt::SortOrder> sorts[] = {{C::SizeColumn, Qt::DescendingOrder},
                                                       {C::TypeColumn, Qt::AscendingOrder},
                                                       {C::ReprColumn, Qt::DescendingOrder},
                                                       {C::AddressColumn, Qt::DescendingOrder},
                                                       {-1, Qt::AscendingOrder}};
        for (const auto& [column, order] : sorts) {
            proxy().sort(column, order);
            Objects expected; // the source's rows in their new order, those the filters let through
            for (int row = 0; row < m_model->rowCount(); ++row) {
                if (std::binary_search(shown.begin(), shown.end(), m_model->objectAt(row)))
                    expected.push_back(m_model->objectAt(row));
            }
            QCOMPARE(rows(), expected);
        }
    }

    void filterChangesNeverReset_data() { addPaths(); }
    void filterChangesNeverReset()
    {
        applyPath();
        QFETCH(int, incrementalLimit);
        proxy().sort(C::TypeColumn);
        QCOMPARE(proxy().rowCount(), 5);
        QSignalSpy sourceResets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy proxyResets(m_proxy.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy removals(m_proxy.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy layouts(m_proxy.get(), &QAbstractItemModel::layoutChanged);

        proxy().setFilterText(QStringLiteral("leaky"), false);
        proxy().setFilterText(QStringLiteral("le.ky"), true);
        proxy().setFilterText(QStringLiteral("("), true);
        proxy().setTypeFilter({Leaky, Dict});
        proxy().setShowExplained(true);
        proxy().setMinimumSize(48);
        proxy().setFilterText(QString(), false);
        proxy().setTypeFilter({});
        proxy().setMinimumSize(0);
        proxy().setShowExplained(false);
        QCOMPARE(rows(), (Objects{9, 0, 3, 2, 6})); // by type name
        QCOMPARE(sourceResets.count(), 0);
        QCOMPARE(proxyResets.count(), 0);
        if (incrementalLimit > 0)
            QVERIFY(removals.count() > 0);
        else
            QCOMPARE(layouts.count(), 10);
    }

    void newSnapshotUnderFilters()
    {
        proxy().setFilterText(QStringLiteral("thing"), false);
        QCOMPARE(rows(), Objects{});
        m_model->setSnapshot(otherSnapshot());
        QCOMPARE(rows(), (Objects{0, 1}));
        proxy().setTypeFilter({0}); // pkg.Thing in the other snapshot
        QCOMPARE(rows(), (Objects{0, 1}));
        m_model->setSnapshot(fixtureSnapshot()); // type 0 is builtins.dict here
        proxy().setFilterText(QString(), false);
        QCOMPARE(rows(), (Objects{0}));
        m_model->setSnapshot(SnapshotPtr());
        QCOMPARE(proxy().rowCount(), 0);
    }

    // Ignored candidates are no suspects: hidden with the explained ones unless "show explained".
    void ignoredAreNotSuspects_data() { addPaths(); }
    void ignoredAreNotSuspects()
    {
        applyPath();
        m_model->setSnapshot(analyzedFixture("type ext.*"));
        QCOMPARE(rows(), (Objects{0, 3, 9}));
        proxy().setFilterText(QStringLiteral("x"), false); // the text pass skips them too
        QCOMPARE(rows(), (Objects{0, 9}));
        proxy().setShowExplained(true);
        QCOMPARE(rows(), (Objects{0, 2, 6, 9}));
    }

    void groupFilter_data() { addPaths(); }
    void groupFilter()
    {
        applyPath();
        m_model->setSnapshot(analyzedFixture("type ext.*"));
        const Key ignored{Key::Ignored, {}};
        const Key suspects{Key::Suspects, {}};
        proxy().setGroupFilter({ignored});
        QCOMPARE(rows(), (Objects{2, 6})); // although "show explained" is off
        QCOMPARE(proxy().groupFilter().size(), std::size_t(1));
        proxy().setGroupFilter({Key::explained("module-state")});
        QCOMPARE(rows(), (Objects{7}));
        proxy().setGroupFilter({Key::explained("static-type-dict"), suspects, suspects});
        QCOMPARE(rows(), (Objects{0, 3, 5, 9}));
        QCOMPARE(proxy().groupFilter().size(), std::size_t(2)); // without the duplicate
        // The other filters still apply.
        proxy().setTypeFilter({Dict});
        QCOMPARE(rows(), (Objects{0, 5}));
        proxy().setTypeFilter({});
        proxy().setFilterText(QStringLiteral("k"), false);
        QCOMPARE(rows(), (Objects{0, 5})); // "key" in 0's repr, KELVIN SIGN in 5's
        proxy().setFilterText(QString(), false);
        // "Show explained" does not widen a choice of groups.
        proxy().setShowExplained(true);
        proxy().setGroupFilter({ignored});
        QCOMPARE(rows(), (Objects{2, 6}));
        proxy().setGroupFilter({Key::explained("no-such-kind")});
        QCOMPARE(rows(), Objects{});
        // No group chosen: "show explained" decides again.
        proxy().setGroupFilter({});
        QCOMPARE(rows(), (Objects{0, 2, 3, 5, 6, 7, 9}));
        proxy().setShowExplained(false);
        QCOMPARE(rows(), (Objects{0, 3, 9}));
    }

    void groupFilterWithText_data() { addPaths(); }
    void groupFilterWithText()
    {
        applyPath();
        m_model->setSnapshot(analyzedFixture("type ext.*"));
        proxy().setFilterText(QStringLiteral("other"), false);
        QCOMPARE(rows(), Objects{});
        proxy().setGroupFilter({{Key::Ignored, {}}});
        QCOMPARE(rows(), (Objects{6}));
        proxy().setFilterText(QStringLiteral("ext\\.|dict"), true);
        QCOMPARE(rows(), (Objects{2, 6}));
    }

    // Groups are chosen by key: the choice holds through a new analysis of the snapshot.
    void groupFilterSurvivesNewRules()
    {
        const Key ignored{Key::Ignored, {}};
        proxy().setGroupFilter({ignored});
        QCOMPARE(rows(), Objects{}); // no rules yet
        m_model->setSnapshot(analyzedFixture("type ext.*"));
        QCOMPARE(rows(), (Objects{2, 6}));
        m_model->setSnapshot(analyzedFixture("type builtins.list\ntype builtins.tuple"));
        QCOMPARE(rows(), (Objects{3})); // 7 keeps its explanation
        proxy().setGroupFilter({Key::explained("module-state")});
        QCOMPARE(rows(), (Objects{7}));
    }

    void groupFilterNeverResets_data() { addPaths(); }
    void groupFilterNeverResets()
    {
        applyPath();
        QFETCH(int, incrementalLimit);
        m_model->setSnapshot(analyzedFixture("type ext.*"));
        QSignalSpy sourceResets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy proxyResets(m_proxy.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy insertions(m_proxy.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy layouts(m_proxy.get(), &QAbstractItemModel::layoutChanged);
        proxy().setGroupFilter({{Key::Ignored, {}}});
        proxy().setGroupFilter({{Key::Ignored, {}}}); // no change, no work
        proxy().setGroupFilter({Key::explained("module-state"), {Key::Suspects, {}}});
        proxy().setGroupFilter({});
        QCOMPARE(rows(), (Objects{0, 3, 9}));
        QCOMPARE(sourceResets.count(), 0);
        QCOMPARE(proxyResets.count(), 0);
        if (incrementalLimit > 0)
            QVERIFY(insertions.count() > 0);
        else
            QCOMPARE(layouts.count(), 3);
    }

    // Libraries by string id of the snapshot; 0 the types without one. Combined with the type filter,
    // a candidate passes both.
    void libraryFilter_data() { addPaths(); }
    void libraryFilter()
    {
        applyPath();
        QFETCH(int, incrementalLimit);
        const Snapshot& s = m_model->analyzedSnapshot()->snapshot();
        const StringId python = s.type(Dict).library;
        const StringId ext = s.type(Leaky).library;
        QVERIFY(python != 0 && ext != 0 && python != ext);
        QCOMPARE(s.type(Other).library, StringId(0));
        QSignalSpy sourceResets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy proxyResets(m_proxy.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy layouts(m_proxy.get(), &QAbstractItemModel::layoutChanged);
        QSignalSpy removals(m_proxy.get(), &QAbstractItemModel::rowsRemoved);

        proxy().setLibraryFilter({ext});
        QCOMPARE(rows(), (Objects{2}));
        QCOMPARE(proxy().libraryFilter(), QSet<StringId>{ext});
        proxy().setLibraryFilter({0});
        QCOMPARE(rows(), (Objects{6}));
        proxy().setLibraryFilter({python, 0});
        QCOMPARE(rows(), (Objects{0, 3, 6, 9}));
        proxy().setShowExplained(true);
        QCOMPARE(rows(), (Objects{0, 3, 5, 6, 7, 9}));
        // With types chosen too: both must hold.
        proxy().setTypeFilter({Dict, Leaky});
        QCOMPARE(rows(), (Objects{0, 5}));
        proxy().setLibraryFilter({ext});
        QCOMPARE(rows(), (Objects{2}));
        proxy().setTypeFilter({});
        proxy().setFilterText(QStringLiteral("0x10"), false); // the text still applies
        QCOMPARE(rows(), (Objects{2}));
        proxy().setFilterText(QStringLiteral("list"), false);
        QCOMPARE(rows(), Objects{});
        proxy().setFilterText(QString(), false);
        proxy().setLibraryFilter({12345}); // no type has it
        QCOMPARE(rows(), Objects{});
        proxy().setLibraryFilter({});
        QCOMPARE(rows(), (Objects{0, 2, 3, 5, 6, 7, 9}));

        QCOMPARE(sourceResets.count(), 0);
        QCOMPARE(proxyResets.count(), 0);
        if (incrementalLimit > 0)
            QVERIFY(removals.count() > 0);
        else
            QVERIFY(layouts.count() >= 10);
    }

    // All objects: every object passes whatever "show explained" says, the type, size and text
    // filters apply to them all, and chosen groups let through only their candidates.
    void allObjects_data() { addPaths(); }
    void allObjects()
    {
        applyPath();
        proxy().setFilterText(QStringLiteral("leaky"), false);
        QCOMPARE(rows(), (Objects{0, 2}));
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
        m_model->setListMode(C::ListMode::AllObjects);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(rows(), (Objects{0, 1, 2})); // the held Leaky too; the dict by its repr
        proxy().setFilterText(QString(), false);
        QCOMPARE(rows(), (Objects{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        proxy().setShowExplained(true);
        QCOMPARE(rows(), (Objects{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        proxy().setShowExplained(false);
        proxy().setTypeFilter({Leaky, Str});
        QCOMPARE(rows(), (Objects{1, 2, 4}));
        proxy().setTypeFilter({});
        proxy().setMinimumSize(50);
        QCOMPARE(rows(), (Objects{0, 3, 4, 6, 9}));
        proxy().setFilterText(QStringLiteral("hello"), false);
        QCOMPARE(rows(), (Objects{4}));
        proxy().setMinimumSize(0);
        proxy().setFilterText(QStringLiteral("^<"), true);
        QCOMPARE(rows(), (Objects{1, 2, 8})); // the default reprs
        proxy().setFilterText(QStringLiteral("int"), false);
        QCOMPARE(rows(), (Objects{8}));
        proxy().setFilterText(QString(), false);

        // Groups sort candidates: choosing some leaves out every object that is not one.
        proxy().setGroupFilter({Key{}});
        QCOMPARE(rows(), (Objects{0, 2, 3, 6, 9}));
        proxy().setGroupFilter({Key::explained("module-state")});
        QCOMPARE(rows(), (Objects{7}));
        proxy().setGroupFilter({});

        // Sorted by Surplus: the int the tuple refers to three times, with a refcount of 10, comes
        // second, ahead of most candidates; the explained dict and tuple (whose explanations name
        // what holds them) follow every surplus nothing explains, whatever their size.
        proxy().sort(C::SurplusColumn, Qt::DescendingOrder);
        QCOMPARE(rows(), (Objects{0, 8, 9, 2, 3, 5, 7, 1, 6, 4}));
        proxy().setTypeFilter({Int, Tuple});
        QCOMPARE(rows(), (Objects{8, 7}));
        proxy().setTypeFilter({});

        // Back to the candidates: suspects only again, in the same order.
        m_model->setListMode(C::ListMode::Candidates);
        QCOMPARE(rows(), (Objects{0, 9, 2, 3, 6}));
        QCOMPARE(resets.count(), 2);
    }

    void allObjectsFilterChangesNeverReset_data() { addPaths(); }
    void allObjectsFilterChangesNeverReset()
    {
        applyPath();
        QFETCH(int, incrementalLimit);
        m_model->setListMode(C::ListMode::AllObjects);
        proxy().sort(C::TypeColumn);
        QSignalSpy sourceResets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy proxyResets(m_proxy.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy layouts(m_proxy.get(), &QAbstractItemModel::layoutChanged);
        proxy().setFilterText(QStringLiteral("leaky"), false);
        proxy().setTypeFilter({Leaky, Dict});
        proxy().setMinimumSize(48);
        proxy().setGroupFilter({Key{}});
        proxy().sort(C::SurplusColumn, Qt::DescendingOrder);
        proxy().setFilterText(QString(), false);
        proxy().setTypeFilter({});
        proxy().setMinimumSize(0);
        proxy().setGroupFilter({});
        QCOMPARE(rows(), (Objects{0, 8, 9, 2, 3, 5, 7, 1, 6, 4}));
        QCOMPARE(sourceResets.count(), 0);
        QCOMPARE(proxyResets.count(), 0);
        if (incrementalLimit == 0)
            QCOMPARE(layouts.count(), 9); // eight filter changes and a sort
    }

    // What each filter alone keeps out, for saying why nothing is listed.
    void countAcceptedWithout_data() { addPaths(); }
    void countAcceptedWithout()
    {
        applyPath();
        using P = CandidatesFilterProxy;
        QCOMPARE(proxy().countAcceptedWithout(0), 5);
        QCOMPARE(proxy().countAcceptedWithout(P::GroupCriterion), 7);

        proxy().setFilterText(QStringLiteral("hello"), false); // only the str, which is no candidate
        QCOMPARE(proxy().rowCount(), 0);
        QCOMPARE(proxy().countAcceptedWithout(0), 0);
        QCOMPARE(proxy().countAcceptedWithout(P::TextCriterion), 5);
        QCOMPARE(proxy().countAcceptedWithout(P::GroupCriterion), 0);
        m_model->setListMode(C::ListMode::AllObjects);
        QCOMPARE(proxy().countAcceptedWithout(0), 1);
        m_model->setListMode(C::ListMode::Candidates);
        proxy().setFilterText(QString(), false);

        proxy().setTypeFilter({Tuple}); // the tuple is explained
        QCOMPARE(proxy().rowCount(), 0);
        QCOMPARE(proxy().countAcceptedWithout(P::GroupCriterion), 1);
        QCOMPARE(proxy().countAcceptedWithout(P::TypeCriterion), 5);

        // Types and libraries are one cache: lifting one still applies the other.
        proxy().setTypeFilter({Leaky});
        proxy().setLibraryFilter({0}); // no library: ext.Other
        QCOMPARE(proxy().rowCount(), 0);
        QCOMPARE(proxy().countAcceptedWithout(P::TypeCriterion), 1);
        QCOMPARE(proxy().countAcceptedWithout(P::LibraryCriterion), 1);
        QCOMPARE(proxy().countAcceptedWithout(P::TypeCriterion | P::LibraryCriterion), 5);
        proxy().setLibraryFilter({});

        proxy().setMinimumSize(2000);
        QCOMPARE(proxy().rowCount(), 0);
        QCOMPARE(proxy().countAcceptedWithout(P::SizeCriterion), 1);
        QCOMPARE(proxy().countAcceptedWithout(P::SizeCriterion | P::TypeCriterion), 5);
        // Counting changes no filter and tells no view.
        QCOMPARE(proxy().rowCount(), 0);
        QCOMPARE(proxy().minimumSize(), 2000u);
    }

    void otherSourcesPassUnfiltered()
    {
        TypeSummaryModel types;
        types.setSnapshot(fixtureSnapshot());
        proxy().setSourceModel(&types);
        proxy().setFilterText(QStringLiteral("no such text"), false);
        QCOMPARE(proxy().rowCount(), types.rowCount());
        proxy().sort(TypeSummaryModel::BytesColumn);
        QCOMPARE(proxy().index(0, TypeSummaryModel::TypeColumn).data().toString(), QStringLiteral("builtins.tuple"));
        proxy().setSourceModel(m_model.get());
    }
};

QTEST_GUILESS_MAIN(TestCandidatesFilterProxy)
#include "tst_candidates_filter_proxy.moc"
