package manifest

import "github.com/vigilsec/vigil/internal/corpustest"

// corpus is the shared release corpus, next to the repository.
const corpus = "../../../shared/corpus/cases"

// release returns the files of a corpus artifact (.tgz, .tar.gz, .tar.xz,
// .zip, .whl, or a plain file), skipping the test when it is absent.
var release = corpustest.Release
