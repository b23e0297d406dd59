/**
 * A jest reporter: when tests that need the real-world corpus were skipped
 * (their block titles carry the mark that src/test-utils/corpus.ts puts
 * there), prints one line on stderr at the end of the run saying how many
 * and how to run them. Prints nothing when none were skipped.
 */
// Keep equal to CORPUS_MARK in src/test-utils/corpus.ts (this file is loaded untranspiled).
const CORPUS_MARK = '[needs SECPOL_CORPUS]';

class CorpusReporter {
  onRunComplete(_contexts, results) {
    let skipped = 0;
    for (const file of results.testResults)
      for (const t of file.testResults)
        if (t.status === 'pending' && t.ancestorTitles.some((a) => a.endsWith(CORPUS_MARK)))
          skipped++;
    if (skipped > 0)
      process.stderr.write(
        `${skipped} tests need the real-world corpus and were skipped: run them with SECPOL_CORPUS=DIR npm test (DIR: the corpus's real-world folder; see README, Development)\n`,
      );
  }
}

module.exports = CorpusReporter;
