import Foundation
import Testing
import MeshConfig
import MeshCore
import MeshTestSupport
@testable import MeshSession

/// A recording opened through its index plays and seeks exactly as one read whole; an index
/// that does not stand for its recording is noticed, said, and made again.
@Suite struct RecordingFileTests {
    let recorder = RecordingTests()

    /// A 90 s zone-outage recording (9 keyframes) and its writer's index.
    func recorded(_ name: String) throws -> String {
        let path = recorder.temp(name)
        try? FileManager.default.removeItem(atPath: RecordingIndex.path(for: path))
        _ = try recorder.record(to: path)
        return path
    }

    /// The file, and what it said at open; `heard` keeps hearing what it says later.
    func open(_ path: String, heard: Locked<[String]> = Locked([])) throws -> (RecordingFile, [String]) {
        let file = try RecordingFile.open(path: path) { notice in heard.mutate { $0.append(notice) } }
        return (file, heard.value)
    }

    /// Every event a cursor plays from where it is to `t`.
    func play(_ cursor: inout ReplayCursor, to t: Double) -> [MeshEvent] {
        var seen: [MeshEvent] = []
        cursor.advance(to: t) { seen.append($0) }
        return seen
    }

    /// Overwrites a byte in the middle of keyframe `k`'s line in place, through another
    /// descriptor: the file changed under an open replay, as a second writer could do it.
    func damage(keyframe k: Int, of file: RecordingFile) throws {
        let keyframe = file.index.keyframes[k]
        let handle = try #require(FileHandle(forWritingAtPath: file.path))
        try handle.seek(toOffset: UInt64(keyframe.offset + keyframe.length / 2))
        try handle.write(contentsOf: Data("\u{1}".utf8))
        try handle.close()
    }

    @Test func theWritersIndexIsTheOneReadingTheWholeFileMakes() throws {
        let path = try recorded("index-roundtrip.jsonl")
        let written = try JSONDecoder().decode(RecordingIndex.self, from: Data(contentsOf: URL(fileURLWithPath: RecordingIndex.path(for: path))))
        let (file, notices) = try open(path)
        #expect(notices.isEmpty)
        #expect(file.index == written)
        #expect(written.keyframes.count >= 8)
        #expect(!written.notable.isEmpty)

        try FileManager.default.removeItem(atPath: RecordingIndex.path(for: path))
        let (rebuilt, quiet) = try open(path)
        #expect(quiet.isEmpty, "a missing index is made again without a word")
        #expect(rebuilt.index == written)
        let whole = try Recording.load(path: path)
        #expect(written.duration == whole.events.last?.t)
        #expect(written.keyframes.count == whole.events.filter { if case .keyframe = $0.body { true } else { false } }.count)
    }

    @Test func playingThroughTheFileGivesEveryEventInOrder() throws {
        let path = try recorded("index-play.jsonl")
        let whole = try Recording.load(path: path)
        let (file, _) = try open(path)
        var cursor = ReplayCursor(initial: file.header.mesh, source: file)
        var seen: [MeshEvent] = []
        // In slices, as the session runner plays it.
        while !cursor.isAtEnd { cursor.advance(to: .infinity, maxEvents: 37) { seen.append($0) } }
        #expect(cursor.failure == nil)
        #expect(seen == whole.events)
    }

    @Test func seekingThroughTheIndexLandsWhereFullReplayDoes() throws {
        let path = try recorded("index-seek.jsonl")
        let whole = try Recording.load(path: path)
        let (file, _) = try open(path)
        let keyframes = file.index.keyframes.map(\.t)
        var targets = stride(from: 0.0, through: 91, by: 3.7).map { $0 } + keyframes + keyframes.map { $0 - 0.001 }
        targets += [0, whole.events.last!.t, 1000]
        var sought = ReplayCursor(initial: file.header.mesh, source: file)
        for target in targets.shuffled() {
            var played = whole.cursor
            played.advance(to: target)
            sought.seek(to: target)
            #expect(sought.failure == nil)
            #expect(sought.state.services == played.state.services, "at \(target)")
            #expect(sought.state.log == played.state.log, "log at \(target)")
            // And both play on alike.
            var a = sought, b = played
            #expect(play(&a, to: target + 5) == play(&b, to: target + 5), "after \(target)")
        }
    }

    @Test func aStaleIndexIsSaidAndMadeAgain() throws {
        let path = try recorded("index-stale.jsonl")
        let sidecar = RecordingIndex.path(for: path)
        // Appended to since (a line of its own): the index no longer stands for the file.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"t":95,"seq":100000,"type":"fault","action":"crash","target":"zone:b","detail":""}"#.utf8 + [0x0A]))
        handle.closeFile()
        let (file, notices) = try open(path)
        #expect(notices.count == 1)
        #expect(notices.first?.hasPrefix("\(sidecar): stale (the recording changed since it was indexed)") == true, "\(notices)")
        let whole = try Recording.load(path: path)
        #expect(file.duration == 95 && whole.events.last?.t == 95)
        let (_, again) = try open(path)
        #expect(again.isEmpty, "the stale index was replaced: \(again)")

        // Garbage in its place.
        try Data("{\"format\":".utf8).write(to: URL(fileURLWithPath: sidecar))
        let (_, garbled) = try open(path)
        #expect(garbled == ["\(sidecar): not a readable recording index; reading the whole recording to index it again"])

        // Another recording's index under this one's name (its stamps made to match, as a copy's could).
        var other = try JSONDecoder().decode(RecordingIndex.self, from: Data(contentsOf: URL(fileURLWithPath: sidecar)))
        other.header = RecordingIndex.fingerprint(Array(#"{"format":"mesh-top/recording","other":true}"#.utf8))
        try JSONEncoder().encode(other).write(to: URL(fileURLWithPath: sidecar))
        let (_, foreign) = try open(path)
        #expect(foreign.first?.contains("it belongs to another recording") == true, "\(foreign)")
    }

    /// An index whose stamps match but whose keyframes lie (edited by hand) is stale: each
    /// keyframe line's start, end, kind and time are checked at open; it is made again (a
    /// wrong time stopped play part way).
    @Test func anIndexThatLiesAboutAKeyframeIsMadeAgainAtOpen() throws {
        let path = try recorded("index-lie.jsonl")
        let sidecar = RecordingIndex.path(for: path)
        let written = try JSONDecoder().decode(RecordingIndex.self, from: Data(contentsOf: URL(fileURLWithPath: sidecar)))
        let whole = try Recording.load(path: path)
        for (lie, said) in [({ (i: inout RecordingIndex) in i.keyframes[3].offset += 1 }, "line \(written.keyframes[3].line) is not the keyframe it lists"),
                            ({ (i: inout RecordingIndex) in i.keyframes[3].t += 1; i.keyframes[5].t += 1 },
                             "line \(written.keyframes[3].line)'s keyframe is at \(written.keyframes[3].t) s, not \(written.keyframes[3].t + 1) s")] {
            var index = written
            lie(&index)
            try JSONEncoder().encode(index).write(to: URL(fileURLWithPath: sidecar))
            let (file, notices) = try open(path)
            #expect(notices.count == 1 && notices.first?.contains(said) == true, "\(notices)")
            #expect(file.index == written)
            var cursor = ReplayCursor(initial: file.header.mesh, source: file)
            cursor.seek(to: written.keyframes[3].t + 0.5)
            var played = whole.cursor
            played.advance(to: written.keyframes[3].t + 0.5)
            #expect(cursor.failure == nil && cursor.state.services == played.state.services)
        }
    }

    /// A headless session over a file that fails part way (damaged after it was opened) ends
    /// where play stopped, with the reason as its message, instead of asking for the failed
    /// span forever (it spun at 100% CPU once), and the cursor reads nothing more after it.
    @Test func aSessionWhoseFileFailsPartWayEndsThereAndSaysWhy() throws {
        let path = try recorded("index-lie-session.jsonl")
        let (file, _) = try open(path)
        let index = file.index
        try damage(keyframe: 4, of: file)
        let playback = ReplayPlayback(file: file)
        let runner = SessionRunner(playback: playback, speed: nil, stopAtEnd: true)
        let handle = runner.start(name: "failing replay")
        let done = DispatchSemaphore(value: 0)
        Thread { handle.waitUntilStopped(); done.signal() }.start()
        #expect(done.wait(timeout: .now() + 60) == .success, "the session never ended after its file failed")
        let snapshot = handle.snapshot()
        #expect(snapshot.finished)
        let message = try #require(snapshot.message)
        #expect(message.hasPrefix(path + ":") && !message.contains("\n"), "\(message)")
        #expect(snapshot.state.time < index.keyframes[4].t + 1, "play stopped at the failed span")
        #expect(snapshot.end == snapshot.state.time)
        var cursor = playback.cursor
        #expect(cursor.advance(to: .infinity) == 0, "nothing more is read once a span failed")
    }

    /// The bundled recording predates service samples and status codes: it opens (read whole,
    /// too small for an index beside it) and plays as before.
    @Test func anOlderRecordingStillReplays() throws {
        let bundled = URL(fileURLWithPath: RecordingTests.scenarioPath).deletingLastPathComponent().appendingPathComponent("zone-outage.jsonl").path
        let path = recorder.temp("bundled.jsonl")
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: bundled, toPath: path)
        let whole = try Recording.load(path: path)
        let (file, notices) = try open(path)
        #expect(notices.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: RecordingIndex.path(for: path)), "small recordings get no index beside them")
        var cursor = ReplayCursor(initial: file.header.mesh, source: file)
        #expect(play(&cursor, to: .infinity) == whole.events)
        cursor.seek(to: 45)
        var played = whole.cursor
        played.advance(to: 45)
        #expect(cursor.state.services == played.state.services)
    }

    @Test func aCutOffLastLineIsIndexedAsOne() throws {
        let path = try recorded("index-cut.jsonl")
        try FileManager.default.removeItem(atPath: RecordingIndex.path(for: path))
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.removeLast(25)
        try data.write(to: URL(fileURLWithPath: path))
        let whole = try Recording.load(path: path)
        let (file, _) = try open(path)
        #expect(file.index.cutOffLine == whole.truncatedAtLine && file.index.cutOffLine != nil)
        var cursor = ReplayCursor(initial: file.header.mesh, source: file)
        #expect(play(&cursor, to: .infinity) == whole.events)
    }

    @Test func aDamagedLineIsRefusedAtOpenAsValidateSaysIt() throws {
        let path = try recorded("index-damaged.jsonl")
        try FileManager.default.removeItem(atPath: RecordingIndex.path(for: path))
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        lines[3] = "{\"t\": oops"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var opened: String?, loaded: String?
        do { _ = try RecordingFile.open(path: path) } catch { opened = error.description }
        do { _ = try Recording.load(path: path) } catch { loaded = error.description }
        #expect(opened == "\(path):4: t: 'oops' is not a JSON value")
        #expect(opened == loaded, "one reader, one message")
        #expect(throws: RecordingError.self) { try RecordingFile.open(path: recorder.temp("no-such.jsonl")) }
    }

    /// A recording rewritten in place to the same size, its time set back to the index's (as a
    /// copy that keeps times, or a clock with one-second steps, leaves it): the keyframes no
    /// longer start where the index says, which the open sees; it indexes the file again.
    @Test func aFileRewrittenToTheSameSizeAndTimeIsIndexedAgain() throws {
        let path = try recorded("index-rewritten.jsonl")
        let sidecar = RecordingIndex.path(for: path)
        let written = try JSONDecoder().decode(RecordingIndex.self, from: Data(contentsOf: URL(fileURLWithPath: sidecar)))
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Seven bytes out of an early line's reason, seven spaces onto the last line: same size.
        let early = try #require(lines.indices.dropFirst().first { lines[$0].contains(#""reason":"check passed""#) })
        lines[early] = lines[early].replacingOccurrences(of: #""reason":"check passed""#, with: #""reason":"check""#)
        lines[lines.count - 2] += "       "
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: path)
        var info = stat()
        #expect(stat(path, &info) == 0 && Int(info.st_size) == written.size)
        let stamped = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        if stamped != written.modified {
            // Foundation sets whole microseconds: give the index the time the file now has, as
            // a coarser clock would have given both.
            var index = written
            index.modified = stamped
            try JSONEncoder().encode(index).write(to: URL(fileURLWithPath: sidecar))
        }
        let (file, notices) = try open(path)
        #expect(notices.count == 1 && notices.first?.contains("is not the keyframe it lists") == true, "\(notices)")
        let whole = try Recording.load(path: path)
        var cursor = ReplayCursor(initial: file.header.mesh, source: file)
        #expect(play(&cursor, to: .infinity) == whole.events)
        cursor.seek(to: 47)
        var played = whole.cursor
        played.advance(to: 47)
        #expect(cursor.failure == nil && cursor.state.services == played.state.services)
    }

    /// A pipe has no size to index and cannot seek: it is copied to a temporary file, said
    /// once, and plays and seeks as the file does; nothing is written beside it.
    @Test func aPipeReplaysAsItsFileDoes() throws {
        let path = try recorded("index-pipe.jsonl")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let pipe = Pipe()
        let writer = Thread {
            pipe.fileHandleForWriting.write(bytes)
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let name = "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)"
        let (file, notices) = try open(name)
        #expect(notices == ["\(name): not a file (a pipe?): read whole into a temporary file to replay it"])
        let whole = try Recording.load(path: path)
        var cursor = ReplayCursor(initial: file.header.mesh, source: file)
        #expect(play(&cursor, to: .infinity) == whole.events)
        cursor.seek(to: 12)
        var played = whole.cursor
        played.advance(to: 12)
        #expect(cursor.failure == nil && cursor.state.services == played.state.services)
        #expect(file.index.keyframes == (try open(path).0.index.keyframes))
    }

    /// Play stopped by a span that does not read (damaged since it was opened) goes on after
    /// a seek back to a part that reads, and stops again at the same place.
    @Test func aSeekBackAfterAFailedSpanPlaysOn() throws {
        let path = try recorded("index-resume.jsonl")
        let whole = try Recording.load(path: path)
        let (file, _) = try open(path)
        try damage(keyframe: 5, of: file)
        var cursor = ReplayCursor(initial: file.header.mesh, source: file)
        _ = play(&cursor, to: .infinity)
        #expect(cursor.failure != nil && cursor.isAtEnd)
        cursor.seek(to: 20)
        #expect(cursor.failure == nil && !cursor.isAtEnd)
        var played = whole.cursor
        played.advance(to: 20)
        #expect(cursor.state.services == played.state.services)
        var b = played
        let ahead = play(&cursor, to: 30)
        #expect(!ahead.isEmpty && ahead == play(&b, to: 30))
        _ = play(&cursor, to: .infinity)
        #expect(cursor.failure != nil, "the same span fails again")
    }
}
