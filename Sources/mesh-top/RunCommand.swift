import ArgumentParser
import Foundation
import MeshConfig
import MeshCore
import MeshEtcd
import MeshRun
import MeshSession
import MeshTUI

/// `mesh-top run --config mesh.yaml`: real listeners, real health checks, real backends.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Proxy real traffic: listeners, health checks and supervised backends from mesh.yaml.",
        discussion: "Supervised endpoints (command:) log to .mesh-top/logs/ beside the config. The dashboard's d, x, r, + and - act on real connections and processes."
    )

    @Option(help: ArgumentHelp("The mesh to run.", valueName: "mesh.yaml"))
    var config: String

    @OptionGroup var session: SessionOptions

    @Option(help: ArgumentHelp("Event-loop threads of the data plane (default: one per core).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Share registrations with other mesh-top instances through etcd.", valueName: "etcd://host:port[,host:port...]"))
    var registry: String?

    @OptionGroup var recording: RecordOption

    func run() throws {
        try reportingErrors {
            let mesh = try MeshConfig.load(path: config)
            let options = try session.resolved()
            if let threads, threads < 1 { throw CommandError("--threads: must be at least 1") }
            let cluster: EtcdCluster?
            do {
                cluster = try registry.map { try EtcdCluster(url: $0) }
            } catch {
                throw CommandError("\(error)")
            }
            let name = ((config as NSString).lastPathComponent as NSString).deletingPathExtension
            let logs = URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent(".mesh-top/logs")

            let admin = try AdminSettings.resolve(option: session.admin, fallback: mesh.admin, token: mesh.effectiveToken())
            let sinks = try recording.sinks(headless: session.headless, journal: admin != nil, notify: mesh.notify, source: "run", mesh: LiveMesh.mesh(of: mesh, name: name))
            let live = try LiveMesh(config: mesh, name: name, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                    logDirectory: logs, registry: cluster, onEvent: sinks.accept)
            defer { live.shutdown() }
            let outcome = Result {
                try SessionLauncher.run(live, sinks: sinks, settings: .init(
                    mode: .live, source: name, speed: 1, duration: options.duration,
                    refresh: options.refresh, mono: options.mono, ascii: session.ascii, headless: session.headless, admin: admin))
            }
            GracefulStop.drain(live)
            try outcome.get()
        }
    }
}
