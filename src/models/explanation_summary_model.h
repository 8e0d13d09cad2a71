#pragma once

#include "summary_table_model.h"

namespace leakscope {

// The candidates of a snapshot by why they are, or are not, suspects (CandidateGroups): a row for
// the suspects, one for the candidates only ignore rules cover, then one per explanation kind, most
// candidates first; each with its candidate count and their bytes. The rows keep that order (a view
// does not sort them), and the kind's tooltip says what it means.
class ExplanationSummaryModel final : public SummaryTableModel<CandidateGroups::Group>
{
    Q_OBJECT

public:
    enum Column { GroupColumn, CandidatesColumn, BytesColumn, ColumnCount };
    Q_ENUM(Column)

    explicit ExplanationSummaryModel(QObject* parent = nullptr);
    ~ExplanationSummaryModel() override;

    // The group a row shows; row must be in range. Rows are the groups in CandidateGroups order.
    const CandidateGroups::Group& groupAt(int row) const { return rowAt(row); }
    // The row of the group with this key, or -1.
    int rowOf(const CandidateGroupKey& key) const;

private:
    std::vector<CandidateGroups::Group> rowsOf(const AnalyzedSnapshot& analyzed) const final;
};

// "Suspects", "Ignored by rules", or the explanation kind itself.
QString candidateGroupTitle(const CandidateGroupKey& key);

// What a group means, for tooltips: the suspects, the ignored candidates, or an explanation kind
// the capture records (an unknown kind gets a general sentence).
QString candidateGroupDescription(const CandidateGroupKey& key);

} // namespace leakscope
