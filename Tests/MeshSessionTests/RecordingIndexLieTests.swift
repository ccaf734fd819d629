import Foundation
import Testing
import MeshConfig
import MeshCore
import MeshTestSupport
@testable import MeshSession

/// An index is a cache: every field it has, made to lie, is caught against the recording, said
/// in one line and made again, and the replay plays and seeks as the recording read whole does.
/// What the open checks (what decides what plays) is caught there; what only a span shows
/// (line numbers, keyframes left out, notable events) is caught when it is read, and play goes on.
@Suite struct RecordingIndexLieTests {
    let files = RecordingFileTests()

    /// One recording for every lie (each test copies it): 90 s, 9 keyframes.
    static let original: (path: String, index: RecordingIndex, recording: Recording) = {
        let files = RecordingFileTests()
        let path = try! files.recorded("index-lies-original.jsonl")
        let index = try! JSONDecoder().decode(RecordingIndex.self, from: Data(contentsOf: URL(fileURLWithPath: RecordingIndex.path(for: path))))
        return (path, index, try! Recording.load(path: path))
    }()

    /// A copy of the recording with `sidecar` as its index's bytes.
    func copy(_ name: String, sidecar: Data) throws -> String {
        let path = files.recorder.temp(name)
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: Self.original.path, toPath: path)
        try sidecar.write(to: URL(fileURLWithPath: RecordingIndex.path(for: path)))
        return path
    }

    /// A copy whose index is the writer's, stamped with the copy's time, then told `lie`.
    func copy(_ name: String, _ lie: (inout RecordingIndex) -> Void) throws -> String {
        let path = try copy(name, sidecar: Data())
        var info = stat()
        #expect(stat(path, &info) == 0)
        var index = Self.original.index
        index.modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        lie(&index)
        try JSONEncoder().encode(index).write(to: URL(fileURLWithPath: RecordingIndex.path(for: path)))
        return path
    }

    /// The fingerprint a keyframe entry would need to start at `offset`.
    func head(at offset: Int) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.original.path))
        return RecordingIndex.fingerprint(bytes[offset..<min(offset + RecordingIndex.headBytes, bytes.count)])
    }

    /// Opens `path`: one notice that names the index and `said`, the index made again as the
    /// writer made it, and play and seeks as the recording read whole.
    func expectMadeAgain(_ path: String, saying said: String, _ name: String) throws {
        let (file, notices) = try files.open(path)
        let sidecar = RecordingIndex.path(for: path)
        #expect(notices.count == 1, "\(name): \(notices)")
        #expect(notices.first?.hasPrefix(sidecar + ": ") == true && notices.first?.contains(said) == true, "\(name): \(notices)")
        #expect(notices.first?.hasSuffix("reading the whole recording to index it again") == true, "\(name): \(notices)")
        var expected = Self.original.index
        expected.modified = file.index.modified
        #expect(file.index == expected, "\(name)")
        try expectPlaysAsWhole(file, name)
        let (_, again) = try files.open(path)
        #expect(again.isEmpty, "\(name): the index was written again: \(again)")
    }

    func expectPlaysAsWhole(_ file: RecordingFile, _ name: String) throws {
        let whole = Self.original.recording
        var cursor = ReplayCursor(initial: file.header.mesh, source: file)
        #expect(files.play(&cursor, to: .infinity) == whole.events, "\(name)")
        #expect(file.duration == whole.events.last?.t, "\(name)")
        for target in [12.5, 47.0, 3.0, 88.0] {
            cursor.seek(to: target)
            var played = whole.cursor
            played.advance(to: target)
            #expect(cursor.failure == nil && cursor.state.services == played.state.services && cursor.state.log == played.state.log,
                    "\(name) at \(target)")
        }
    }

    /// Every field, and every way it can lie, caught at open.
    @Test func whatDecidesWhatPlaysIsCheckedAtOpen() throws {
        let o = Self.original.index
        let notableLine = o.notable[o.notable.count / 2]
        let lies: [(String, String, (inout RecordingIndex) -> Void)] = [
            ("older version", "not a version 3 index", { $0.version = 2 }),
            ("other format", "not a version 3 index", { $0.format = "mesh-top/other" }),
            ("header", "it belongs to another recording", { $0.header = "0" }),
            ("size", "changed since it was indexed", { $0.size += 1 }),
            ("time", "changed since it was indexed", { $0.modified -= 1 }),
            ("start", "its events start at byte \(o.start + 1), not \(o.start)", { $0.start += 1 }),
            ("end short", "it says the events end at byte \(o.end - 1) of \(o.size)", { $0.end -= 1 }),
            ("cut off", "it says line 99999 is cut off", { $0.cutOffLine = 99999 }),
            ("huge duration", "its duration is 1e+308 s", { $0.duration = 1e308 }),
            ("longer duration", "its duration is \(o.duration + 10) s", { $0.duration += 10 }),
            ("shorter duration", "outside 0...", { $0.duration = o.keyframes[4].t }),
            ("zero duration", "outside 0...", { $0.duration = 0 }),
            ("negative duration", "is not a time", { $0.duration = -1 }),
            ("keyframe time", "keyframe is at \(o.keyframes[2].t) s, not \(o.keyframes[2].t + 0.5) s", { $0.keyframes[2].t += 0.5 }),
            ("negative keyframe time", "outside 0...", { $0.keyframes[0].t = -1 }),
            ("keyframes out of order", "out of order", { $0.keyframes.swapAt(2, 3) }),
            ("keyframe twice", "out of order", { $0.keyframes.insert($0.keyframes[2], at: 2) }),
            ("keyframe offset", "is not the keyframe it lists", { $0.keyframes[2].offset += 1 }),
            ("keyframe length", "does not end where it lists", { $0.keyframes[2].length -= 1 }),
            ("keyframe without head", "is not the keyframe it lists", { $0.keyframes[2].head = nil }),
            ("keyframe line 1", "out of range", { $0.keyframes[2].line = 1 }),
            ("keyframe past the end", "out of range", { $0.keyframes[$0.keyframes.count - 1].offset = o.size + 10 }),
            ("notable out of order", "out of order", { $0.notable.swapAt(3, 4) }),
            ("notable past the end", "past the end", { $0.notable[$0.notable.count - 1].length = o.size }),
            ("notable of no bytes", "out of range", { $0.notable[3].length = 0 }),
            ("notable inside a keyframe", "out of order", { $0.notable.append(.init(offset: o.keyframes.last!.offset + 5, line: o.keyframes.last!.line, length: 3)); $0.notable.sort { $0.offset < $1.offset } }),
        ]
        for (name, said, lie) in lies {
            try expectMadeAgain(copy("lie-\(name.replacingOccurrences(of: " ", with: "-")).jsonl", lie), saying: said, name)
        }
        // A line that is not a keyframe, listed as one with its own fingerprint and length.
        let fingerprint = try head(at: notableLine.offset)
        let listed = try copy("lie-not-a-keyframe.jsonl") { index in
            index.notable.removeAll { $0.offset == notableLine.offset }
            let before = index.keyframes.last { $0.offset < notableLine.offset }?.t ?? 0
            index.keyframes.append(.init(t: before, offset: notableLine.offset, line: notableLine.line, length: notableLine.length,
                                         head: fingerprint))
            index.keyframes.sort { $0.offset < $1.offset }
        }
        try expectMadeAgain(listed, saying: "line \(notableLine.line) is not a keyframe", "a notable line listed as a keyframe")
    }

    /// Bytes no index writer makes: cut short, NaN, a number past Double's range, other JSON,
    /// an index larger than its recording, a directory or a FIFO in its place.
    @Test func anIndexThatDoesNotReadIsMadeAgain() throws {
        let size = Self.original.index.size
        // Each made from the copy's own index (its stamps right), as its text.
        let garbled: [(String, (String) -> String, String)] = [
            ("truncated", { String($0.prefix($0.count / 2)) }, "not a readable recording index"),
            ("empty", { _ in "" }, "not a readable recording index"),
            ("nan", { $0.replacing(/"duration":[-0-9.eE+]+/, with: "\"duration\":NaN") }, "not a readable recording index"),
            ("1e400", { $0.replacing(/"duration":[-0-9.eE+]+/, with: "\"duration\":1e400") }, "not a readable recording index"),
            ("string", { $0.replacing(/"duration":[-0-9.eE+]+/, with: "\"duration\":\"90\"") }, "not a readable recording index"),
            ("array", { _ in "[]" }, "not a readable recording index"),
            ("huge", { String(repeating: " ", count: size + 5000) + $0 }, "larger than its recording"),
        ]
        for (name, garble, said) in garbled {
            let path = try copy("garbled-\(name).jsonl") { _ in }
            let sidecar = URL(fileURLWithPath: RecordingIndex.path(for: path))
            let text = try String(contentsOf: sidecar, encoding: .utf8)
            #expect(garble(text) != text, "\(name)")
            try Data(garble(text).utf8).write(to: sidecar)
            try expectMadeAgain(path, saying: said, name)
        }
        let good = try JSONEncoder().encode(Self.original.index)
        // A FIFO in its place would block a read forever: it is passed over, and replaced.
        let fifo = try copy("fifo.jsonl", sidecar: good)
        try FileManager.default.removeItem(atPath: RecordingIndex.path(for: fifo))
        #expect(mkfifo(RecordingIndex.path(for: fifo), 0o644) == 0)
        let (file, notices) = try files.open(fifo)
        #expect(notices == ["\(RecordingIndex.path(for: fifo)): not a file; reading the whole recording instead"])
        try expectPlaysAsWhole(file, "fifo")
    }

    /// Claims the open does not read (line numbers, keyframes left out, notable events) are
    /// checked as their span is read: said once, the index made again and written, play goes on
    /// undisturbed.
    @Test func whatOnlyASpanShowsIsCheckedWhenItIsRead() throws {
        let o = Self.original.index
        // Lines from keyframe 5 on numbered one more, as if a line were there that is not.
        let shifted = { (index: inout RecordingIndex) in
            for k in index.keyframes.indices where k >= 5 { index.keyframes[k].line += 1 }
            for i in index.notable.indices where index.notable[i].offset > o.keyframes[5].offset { index.notable[i].line += 1 }
        }
        // A notable entry with room to be numbered one more without passing the next line listed.
        let listedLines = (o.keyframes.map(\.line) + o.notable.map(\.line)).sorted()
        let roomy = try #require(o.notable.indices.dropFirst().first { i in
            let line = o.notable[i].line
            return listedLines.first { $0 > line }.map { $0 > line + 1 } ?? false
        })
        let lies: [(String, String, (inout RecordingIndex) -> Void)] = [
            ("keyframe left out", "it leaves out the keyframe at \(o.keyframes[4].t) s", { $0.keyframes.remove(at: 4) }),
            ("keyframe line", "it numbers line \(o.keyframes[5].line) as \(o.keyframes[5].line + 1)", shifted),
            ("notable left out", "notable events between lines", { $0.notable.remove(at: $0.notable.count / 2) }),
            ("notable line", "notable events between lines", { $0.notable[roomy].line += 1 }),
        ]
        for (name, said, lie) in lies {
            let path = try copy("span-\(name.replacingOccurrences(of: " ", with: "-")).jsonl", lie)
            let heard = Locked<[String]>([])
            let (file, atOpen) = try files.open(path, heard: heard)
            #expect(atOpen.isEmpty, "\(name): not seen at open: \(atOpen)")
            var cursor = ReplayCursor(initial: file.header.mesh, source: file)
            #expect(files.play(&cursor, to: .infinity) == Self.original.recording.events, "\(name)")
            #expect(cursor.failure == nil, "\(name)")
            #expect(heard.value.count == 1 && heard.value.first?.contains(said) == true, "\(name): \(heard.value)")
            #expect(heard.value.first?.hasSuffix("reading the whole recording to index it again") == true)
            let written = try JSONDecoder().decode(RecordingIndex.self, from: Data(contentsOf: URL(fileURLWithPath: RecordingIndex.path(for: path))))
            var expected = o
            expected.modified = written.modified
            #expect(written == expected, "\(name): the index beside it is the whole file's")
            try expectPlaysAsWhole(file, name)
            #expect(heard.value.count == 1, "\(name): said once: \(heard.value)")
        }
    }

    /// A notable entry cut short is seen when a seek reads it for the events pane: the pane's
    /// history after the seek is the recording's, not the lie's.
    @Test func aNotableEntryThatLiesIsCheckedWhenASeekReadsIt() throws {
        let o = Self.original.index
        let k = 6
        let i = try #require(o.notable.lastIndex { $0.offset < o.keyframes[k - 1].offset })
        let path = try copy("notable-short.jsonl") { $0.notable[i].length -= 1 }
        let heard = Locked<[String]>([])
        let (file, atOpen) = try files.open(path, heard: heard)
        #expect(atOpen.isEmpty)
        var cursor = ReplayCursor(initial: file.header.mesh, source: file)
        cursor.seek(to: o.keyframes[k - 1].t + 0.1)
        var played = Self.original.recording.cursor
        played.advance(to: o.keyframes[k - 1].t + 0.1)
        #expect(cursor.failure == nil && cursor.state.log == played.state.log)
        #expect(heard.value.count == 1 && heard.value.first?.contains("line \(o.notable[i].line) is not the notable event it lists") == true,
                "\(heard.value)")
    }

    /// Every number of the index (its own, and the first, middle and last keyframe and notable
    /// entry's) set to the edges of its range and next to its value: the open and a whole play
    /// never crash (an offset of Int.max once overflowed a sum) or hang, play is the
    /// recording's, and a lie is said at most once.
    @Test func everyNumberAtItsEdgesPlaysTheRecording() throws {
        let o = Self.original.index
        var ints: [(String, WritableKeyPath<RecordingIndex, Int>)] = [("size", \.size), ("start", \.start), ("end", \.end)]
        var doubles: [(String, WritableKeyPath<RecordingIndex, Double>)] = [("duration", \.duration)]
        for i in Set([0, o.keyframes.count / 2, o.keyframes.count - 1]) {
            ints += [("keyframes[\(i)].offset", \.keyframes[i].offset), ("keyframes[\(i)].line", \.keyframes[i].line),
                     ("keyframes[\(i)].length", \.keyframes[i].length)]
            doubles.append(("keyframes[\(i)].t", \.keyframes[i].t))
        }
        for i in Set([0, o.notable.count / 2, o.notable.count - 1]) {
            ints += [("notable[\(i)].offset", \.notable[i].offset), ("notable[\(i)].line", \.notable[i].line),
                     ("notable[\(i)].length", \.notable[i].length)]
        }
        var lies: [(String, (inout RecordingIndex) -> Void)] = []
        for (name, path) in ints {
            for value in [-1, 0, Int.max, o[keyPath: path] + 1, o[keyPath: path] - 1] {
                lies.append(("\(name) = \(value)", { $0[keyPath: path] = value }))
            }
        }
        for (name, path) in doubles {
            for value in [-1, 1e308, o[keyPath: path] + 0.001, o[keyPath: path] - 1] {
                lies.append(("\(name) = \(value)", { $0[keyPath: path] = value }))
            }
        }
        for value in [0, 2, Int.max] { lies.append(("cutOffLine = \(value)", { $0.cutOffLine = value })) }
        for (n, (name, lie)) in lies.enumerated() {
            let path = try copy("edge-\(n).jsonl", lie)
            let heard = Locked<[String]>([])
            let (file, _) = try files.open(path, heard: heard)
            var cursor = ReplayCursor(initial: file.header.mesh, source: file)
            #expect(files.play(&cursor, to: .infinity) == Self.original.recording.events, "\(name)")
            #expect(cursor.failure == nil && file.duration == o.duration, "\(name): \(String(describing: cursor.failure))")
            #expect(heard.value.count <= 1, "\(name): \(heard.value)")
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
