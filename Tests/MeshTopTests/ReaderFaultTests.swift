import Foundation
import Testing

/// Every reader, fed what a file system and a shell can hand it: a pipe, a directory, an empty
/// file, an unreadable one, a line of a gigabyte, a reader of stdout that goes away. Each is
/// read, or refused in one line with a non-zero exit; never a trap, a hang or a silent death.
@Suite struct ReaderFaultTests {
    let dir: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reader-faults-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    var meshTop: String { get throws { try Executable("mesh-top").url.path } }

    func run(_ arguments: [String]) throws -> Executable.Result {
        try Executable("mesh-top").run(arguments, in: dir)
    }

    /// A shell line, in `dir`, with `$MT` the binary. SIGPIPE is reset to its default first, as
    /// in a user's terminal: the test process may ignore it, children inherit that, and a shell
    /// cannot undo it (`yes | head -1` then ends with 1, not 141).
    func shell(_ script: String) throws -> Executable.Result {
        try Executable.runAny("/usr/bin/env", ["--default-signal=PIPE", "/bin/bash", "-c",
                                               "cd '\(dir.path)' && MT='\(try meshTop)' && " + script])
    }

    func record(_ name: String, seconds: Int = 20) throws {
        let r = try run(["demo", ScenarioStoryTests.root.appendingPathComponent("demo/zone-outage.yaml").path,
                         "--headless", "--speed", "max", "--duration", "\(seconds)s", "--record", name])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// `replay <(cat run.jsonl)` read "/dev/fd/63:1: empty recording": a pipe is copied to a
    /// temporary file (said once), then plays as the file does; `validate` reads it too.
    @Test func aPipeReplaysAndValidatesAsItsFile() throws {
        try record("piped.jsonl")
        let file = try run(["replay", "piped.jsonl", "--headless", "--speed", "max"])
        let piped = try shell(#"$MT replay <(cat piped.jsonl) --headless --speed max"#)
        #expect(file.status == 0 && piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == file.stdout && !file.stdout.isEmpty)
        #expect(piped.stderr.components(separatedBy: "read whole into a temporary file").count == 2, "said once: \(piped.stderr)")
        let validated = try shell(#"$MT validate <(cat piped.jsonl)"#)
        #expect(validated.status == 0 && validated.stdout.contains(": recording from demo,"), "\(validated.stderr)")
        let stdin = try shell(#"$MT replay - --headless < piped.jsonl"#)
        #expect(stdin.status == 1 && stdin.stderr == "mesh-top: -: no such file (for standard input, give /dev/stdin)\n")
    }

    /// `| head -1` closed stdout. mesh-top first died of SIGPIPE at once, leaving a run's
    /// supervised processes behind; then it stopped and exited 1 with "write failed: Broken
    /// pipe". Now it stops as on SIGTERM (its recording closed whole, with its index) and then
    /// leaves as `yes | head -1` and `git log | head -1` do: by SIGPIPE, 141, saying nothing.
    @Test func aReaderOfStdoutThatGoesAwayEndsTheSessionAsAFilterDoes() throws {
        let scenario = ScenarioStoryTests.root.appendingPathComponent("demo/zone-outage.yaml").path
        let r = try shell("$MT demo '\(scenario)' --headless --speed 50 --duration 60s --record piped.jsonl 2>err | head -1; "
                          + #"echo "status=${PIPESTATUS[0]}"; yes | head -1 >/dev/null; echo "yes=${PIPESTATUS[0]}"; cat err"#)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("{") == true)
        #expect(lines.dropFirst().first == "status=141", "\(r.stdout)")
        #expect(lines.dropFirst(2).first == "yes=141", "the shell's own filter, for reference: \(r.stdout)")
        #expect(lines.count == 3, "nothing on stderr: \(r.stdout)")
        // Stopped, not killed: the recording ends with a whole line and its index stands for it.
        let validated = try run(["validate", "piped.jsonl"])
        #expect(validated.status == 0 && validated.stderr.isEmpty, "\(validated.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("piped.jsonl.index").path))
        let replayed = try run(["replay", "piped.jsonl", "--headless", "--speed", "max"])
        #expect(replayed.status == 0 && !replayed.stderr.contains(".index"), "\(replayed.stderr)")
    }

    /// An index edited to say the recording lasts 1e308 s made `replay --speed max` run
    /// forever. An index is a cache: a claim the recording does not bear out makes it again,
    /// said in one line, and replay plays what it would without it; `validate` reads the
    /// recording itself.
    @Test func anIndexThatLiesIsMadeAgainAndReplayEnds() throws {
        try record("lied.jsonl")
        let reference = try run(["replay", "lied.jsonl", "--headless", "--speed", "max"])
        #expect(reference.status == 0 && !reference.stdout.isEmpty, "\(reference.stderr)")
        let sidecar = dir.appendingPathComponent("lied.jsonl.index")
        var index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: sidecar)) as? [String: Any])
        index["duration"] = 1e308
        try JSONSerialization.data(withJSONObject: index).write(to: sidecar)
        let r = try shell("timeout 300 $MT replay lied.jsonl --headless --speed max")
        #expect(r.status == 0, "\(r.stderr.suffix(300))")
        #expect(r.stdout == reference.stdout)
        let said = r.stderr.split(separator: "\n").filter { $0.hasPrefix("mesh-top: ") }
        #expect(said.count == 1, "\(r.stderr)")
        #expect(said.first?.hasPrefix("mesh-top: lied.jsonl.index: stale (its duration is 1e+308 s, and the last event is at ") == true)
        #expect(said.first?.hasSuffix(" s); reading the whole recording to index it again") == true, "\(said)")
        let validated = try run(["validate", "lied.jsonl"])
        #expect(validated.status == 0 && validated.stderr.isEmpty, "\(validated.stdout) \(validated.stderr)")
        let again = try run(["replay", "lied.jsonl", "--headless", "--speed", "max"])
        #expect(!again.stderr.contains("stale"), "made again once: \(again.stderr)")
    }

    /// An endless device is no recording: its copy stops at the first line longer than any a
    /// recording holds (`replay /dev/zero` copied until the disk was full; a new-user trial).
    @Test func anEndlessDeviceIsRefusedBeforeFillingTheDisk() throws {
        let r = try run(["replay", "/dev/zero", "--headless"])
        #expect(r.status == 1)
        #expect(r.stderr.hasSuffix("mesh-top: /dev/zero:1: longer than 64 MB, the longest line a recording has (not a recording?)\n"),
                "\(r.stderr)")
    }

    /// A recording whose events are all at t = 0 replays every one of them (it played none:
    /// the pacer had not moved past the start; a new-user trial).
    @Test func eventsAllAtTheStartAreReplayed() throws {
        try record("start.jsonl", seconds: 3)
        let lines = try String(contentsOf: dir.appendingPathComponent("start.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var moved = [lines[0]]
        for line in lines.dropFirst() {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            object["t"] = 0
            moved.append(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
        try (moved.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("zero.jsonl"), atomically: true, encoding: .utf8)
        let r = try run(["replay", "zero.jsonl", "--headless", "--speed", "max"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("\(lines.count - 1) events,"), "\(r.stderr.suffix(300))")
    }

    @Test func aDirectoryAnEmptyFileAndAMissingOneAreOneLineEach() throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.jsonl"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.yaml"), withIntermediateDirectories: true)
        try Data().write(to: dir.appendingPathComponent("empty.jsonl"))
        try Data().write(to: dir.appendingPathComponent("empty.yaml"))
        let cases: [([String], String)] = [
            (["validate", "folder.jsonl"], "folder.jsonl: is a directory, not a file\n"),
            (["validate", "folder.yaml"], "folder.yaml: is a directory, not a file\n"),
            (["replay", "folder.jsonl", "--headless"], "mesh-top: folder.jsonl: is a directory, not a recording\n"),
            (["validate", "empty.jsonl"], "empty.jsonl:1: empty recording (expected a header line)\n"),
            (["replay", "empty.jsonl", "--headless"], "mesh-top: empty.jsonl:1: empty recording (expected a header line)\n"),
            (["validate", "empty.yaml"], "empty.yaml:1: the file is empty\n"),
            (["validate", "none.yaml"], "none.yaml: no such file\n"),
        ]
        for (arguments, message) in cases {
            let r = try run(arguments)
            #expect(r.status == 1 && r.stderr == message, "\(arguments): \(r.stderr)")
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root reads any file"))
    func anUnreadableFileIsOneLine() throws {
        let path = dir.appendingPathComponent("locked.yaml").path
        try "services: []\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0)
        let r = try run(["validate", "locked.yaml"])
        #expect(r.status == 1 && r.stderr == "locked.yaml: cannot read the file (permission denied)\n")
    }

    /// A recording whose second line runs on for a gigabyte (a sparse file: nothing on disk):
    /// refused where the longest line a recording has ends, not read whole into memory.
    @Test func aGigabyteLineIsRefusedWithoutBeingHeldWhole() throws {
        try record("huge.jsonl", seconds: 1)
        let path = dir.appendingPathComponent("huge.jsonl").path
        let header = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        try Data((header + "\n{\"t\":1,\"type\":\"fault\",\"detail\":\"").utf8).write(to: URL(fileURLWithPath: path))
        #expect(truncate(path, 1 << 30) == 0)
        try? FileManager.default.removeItem(atPath: path + ".index")
        // Under a 1.5 GB address-space limit a whole read (the line, then its copy) could not be made.
        for command in ["validate huge.jsonl", "replay huge.jsonl --headless"] {
            let r = try shell("ulimit -v 1500000; $MT \(command)")
            #expect(r.status == 1, "\(command): \(r.stderr)")
            #expect(r.stderr.hasSuffix("huge.jsonl:2: longer than 64 MB, the longest line a recording has (not a recording?)\n"), "\(command): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
    }

    /// A config or scenario larger than any mesh-top reads is refused before it is all in memory.
    @Test func anEnormousConfigIsRefusedUnread() throws {
        let path = dir.appendingPathComponent("big.yaml").path
        try Data("services: []\n# ".utf8).write(to: URL(fileURLWithPath: path))
        #expect(truncate(path, 1 << 30) == 0)
        let r = try run(["validate", "big.yaml"])
        #expect(r.status == 1 && r.stderr == "big.yaml: larger than 64 MB, more than any config or scenario mesh-top reads\n", "\(r.stderr)")
    }

    @Test func aConfigThatIsNotUTF8NamesItsLine() throws {
        var bytes = Array("services:\n  - name: w\n".utf8)
        bytes += [0x23, 0x20, 0xC3, 0x28, 0x0A]
        try Data(bytes).write(to: dir.appendingPathComponent("latin.yaml"))
        let r = try run(["validate", "latin.yaml"])
        #expect(r.status == 1 && r.stderr == "latin.yaml:3: not UTF-8 text (save it as UTF-8)\n", "\(r.stderr)")
    }

    /// The headless summary lines its columns up by terminal width: a service named in Chinese
    /// (two columns a character) pushed its rows' STATE column two columns right per character.
    @Test func theSummaryLinesUpChineseNames() throws {
        let base = try String(contentsOf: ScenarioStoryTests.root.appendingPathComponent("demo/zone-outage.yaml"), encoding: .utf8)
        try base.replacingOccurrences(of: "name: payments", with: "name: \u{652F}\u{4ED8}")
            .replacingOccurrences(of: "service: payments", with: "service: \u{652F}\u{4ED8}")
            .write(to: dir.appendingPathComponent("cjk.yaml"), atomically: true, encoding: .utf8)
        let r = try run(["demo", "cjk.yaml", "--headless", "--speed", "max", "--duration", "3s"])
        #expect(r.status == 0, "\(r.stderr)")
        // Columns before each row's state: a CJK ideograph takes two.
        func columns(before word: String, in line: Substring) -> Int? {
            guard let range = line.range(of: word) else { return nil }
            return line[..<range.lowerBound].reduce(0) { $0 + (("\u{4E00}"..."\u{9FFF}").contains($1) ? 2 : 1) }
        }
        let rows = r.stderr.split(separator: "\n").filter { $0.contains("/checkout-") || $0.contains("/payments-") }
        #expect(rows.count == 8, "\(r.stderr)")
        let starts = Set(rows.compactMap { columns(before: " healthy", in: $0) ?? columns(before: " unknown", in: $0) })
        #expect(starts.count == 1, "\(r.stderr)")
    }
}
