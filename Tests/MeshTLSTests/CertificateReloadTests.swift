import Foundation
import MeshTLS
import Testing

/// The one rule for reading a certificate in use again (listeners, upstream client certificates,
/// the admin API): on change or when due, and a refused file set only once.
@Suite struct CertificateReloadTests {
    struct Broken: Error {}

    @Test func changedFilesLoadOnceAndARefusedSetIsNotTriedAgainUntilItChanges() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString).pem").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "one".write(toFile: path, atomically: false, encoding: .utf8)
        var inUse = FileStamp([path])
        var rule = CertificateReload()
        var loads = 0
        /// "nothing", "loaded N" or "failed".
        func attempt(fails: Bool = false, due: Bool = false, watchFiles: Bool = true) -> String {
            let outcome = rule.reload(inUse, due: due, watchFiles: watchFiles) {
                loads += 1
                if fails { throw Broken() }
                return loads
            }
            switch outcome {
            case nil: return "nothing"
            case .loaded(let n): return "loaded \(n)"
            case .failed: return "failed"
            }
        }

        #expect(attempt() == "nothing" && loads == 0, "unchanged files are not read")
        try "two, longer".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(attempt(watchFiles: false) == "nothing" && loads == 0, "an issued certificate's files are not watched")
        #expect(attempt(fails: true) == "failed" && loads == 1)
        #expect(attempt(fails: true) == "nothing" && loads == 1, "the refused set is not tried again")
        try "three, longer still".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(attempt() == "loaded 2", "a set changed after a refused one is tried")
        inUse = inUse.now()
        #expect(attempt() == "nothing" && loads == 2, "what was loaded is what is in use")
        #expect(attempt(due: true) == "loaded 3", "a due renewal reads unchanged files")
    }
}
