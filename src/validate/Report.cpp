#include "validate/Report.hpp"

#include <cmath>
#include <cstdio>

#include "core/StopRequest.hpp"
#include "validate/FullRetrain.hpp"
#include "validate/Retrainings.hpp"

namespace pk::validation {

namespace {

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string scoreNames(const Study& study) {
  std::string text;
  for (auto kind : study.scores) text += (text.empty() ? "" : ", ") + toString(kind);
  return text;
}

// One row per k of a score: its LDS and LOO in the first row only.
void printScoreRows(std::ostream& log, const Study& st, const Measures& m, std::size_t s) {
  const std::size_t nk = st.topk.size();
  for (std::size_t k = 0; k < std::max<std::size_t>(nk, 1); ++k) {
    const std::string name = toString(st.scores[s]);
    std::string line = k == 0 ? name + std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') : std::string(16, ' ');
    line += k == 0 ? format("%9.3f", m.lds[s].mean) + format("%7.3f", m.lds[s].sd) + format("%10.3f", m.loo[s].mean) +
                         format("%7.3f", m.loo[s].sd)
                   : std::string(33, ' ');
    if (nk > 0) {
      const std::size_t at = s * nk + k;
      // A random score foresees nothing: its "prediction" would be noise printed as a number.
      const bool foresees = st.scores[s] != ScoreKind::Random;
      line += format("%7.0f", static_cast<double>(st.topk[k])) + format("%11.4g", m.topkActualMean[at]) +
              (foresees ? format("%11.4g", m.topkPredictedMean[at]) : std::string(10, ' ') + "-");
      if (st.loss != Loss::Mse) line += format("%9.3f", m.topkFlipFraction[at]);
    }
    log << line << "\n";
  }
}

void printTable(std::ostream& log, const Study& st, const Measures& m) {
  log << "score             LDS mean     sd  LOO mean     sd";
  if (!st.topk.empty()) log << "      k     actual  predicted" << (st.loss != Loss::Mse ? "  flipped" : "");
  log << "\n";
  for (std::size_t s = 0; s < st.scores.size(); ++s) printScoreRows(log, st, m, s);
  log << "(LDS: Spearman over " << st.ldsRetrain.size() << " subsets, LOO: Pearson over " << st.looRetrain.size()
      << " examples, each per query, mean and sd over " << st.queryCount()
      << " queries; top-k: mean change of the scored output toward the prediction";
  if (st.loss != Loss::Mse) log << ", fraction of predictions flipped";
  log << ")\n";
  log << "(predicted: minus the removed examples' scores, the change each score foresees; none for random. "
         "The tangent scores -K^g(x,x_i) A_i use plain gradient-descent weights A_i: under momentum and Adam "
         "they leave the optimizer out, the path score does not. docs/VALIDATE-COLUMNS.md)\n";
}

void printThroughput(std::ostream& log, const ValidationReport& r, int groups) {
  const RoundOutcome& t = r.thisStart;
  const StudyNotes& notes = r.contents.notes;
  if (t.retrained == 0 && notes.retrainedHere > 0)  // a merge: the shares' own rounds
    log << "  " << notes.retrainedHere << " retrainings took " << format("%.3g", notes.retrainSeconds)
        << " s of retraining rounds, over every share and start\n";
  if (t.retrained == 0 || t.seconds <= 0) return;
  log << "  retrained " << t.retrained << " sets in " << format("%.3g", t.seconds) << " s on " << r.ranks
      << " rank(s) in " << groups << " group(s): " << format("%.3g", t.retrained / t.seconds) << " per second, "
      << format("%.3g", t.seconds * groups / t.retrained) << " s per set and group\n";
}

}  // namespace

std::string describeQueries(const std::vector<QueryPoint>& queries) {
  std::string text;
  for (std::size_t a = 0; a < queries.size();) {
    std::size_t b = a;
    while (b + 1 < queries.size() && queries[b + 1].set == queries[a].set && queries[b + 1].row == queries[b].row + 1)
      ++b;
    text += (text.empty() ? "" : ",") + queries[a].label() + (b > a ? "-" + std::to_string(queries[b].row) : "");
    a = b + 1;
  }
  return text;
}

void printStudyHeader(std::ostream& log, const ValidateSettings& s, const ValidateFileContents& c, int ranks,
                      int groups, std::int64_t resumed) {
  const Study& st = c.study;
  log << "pathkernel validate: " << s.run << " (loss " << toString(st.loss) << ", N = " << st.trainRows << "), "
      << st.queryCount() << " queries (" << describeQueries(st.queries) << ")\n";
  log << "  scores   " << scoreNames(st) << "\n";
  const std::size_t topk = st.topkRetrain.size();
  log << "  retrain  " << st.retrainings() << " distinct sets for " << topk << " top-k removals, "
      << st.ldsRetrain.size() << " LDS subsets keeping " << ldsKept(st.ldsFraction, st.trainRows) << " of "
      << st.trainRows << ", " << st.looRetrain.size() << " leave-one-out; " << ranks << " rank(s) in " << groups
      << " group(s) of " << s.groupSize;
  if (!c.share.whole()) log << "; share " << c.share.text();
  log << "\n  check    the full training set retrained: max |f - f_S| = "
      << format("%.3g", c.notes.fullRetrainDifference) << " at the queries\n";
  // Round-off (other BLAS, other machine) stays near 1e-12; more means the
  // retrainings do not follow the run's path and their changes mix both.
  if (!(c.notes.fullRetrainDifference <=
        1e-6 * (1.0 + maxAbsDifference(st.network, Matrix(st.network.rows(), st.network.cols())))))
    log << "  warning: retrained on the full set, the network does not reproduce the run's f_S (max |f - f_S| = "
        << format("%.3g", c.notes.fullRetrainDifference)
        << "): every retrained output differs from the run by more than the removed examples explain\n";
  if (resumed > 0) log << "  resumed  " << resumed << " retrainings from " << s.checkpoint << "\n";
  log << std::flush;
}

void printReport(std::ostream& log, const ValidateSettings& s, const ValidationReport& r) {
  const int groups = r.ranks / static_cast<int>(std::max<std::int64_t>(1, s.groupSize));
  if (r.stopSignal != 0) {
    log << "pathkernel: stopped by " << signalName(r.stopSignal) << "; finished retrainings written to " << s.checkpoint
        << "; run the same command again to continue\n";
    return;
  }
  printThroughput(log, r, groups);
  if (r.measured) printTable(log, r.contents.study, r.measures);
  if (!r.measured) log << "  share " << r.contents.share.text() << " done: merge the shares with --merge\n";
  log << "wrote " << r.written << "\n";
}

}  // namespace pk::validation
