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

    @Option(help: ArgumentHelp("The mesh to run (default: ./mesh.yaml when there is one).", valueName: "mesh.yaml"),
            completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @OptionGroup var session: SessionOptions

    @Option(help: ArgumentHelp("Event-loop threads of the data plane, 1 to \(RunCommand.maxThreads) (default: one per core).", valueName: "n"))
    var threads: Int?

    /// More loops than this only add threads that wait.
    static let maxThreads = 256

    @OptionGroup var registry: RegistryOptions

    @Option(help: ArgumentHelp("This instance's name in the shared mesh (default: the host name). Each instance needs its own.", valueName: "name"))
    var instance: String?

    @OptionGroup var recording: RecordOption

    /// A bad option is a usage error (exit 64), as `--speed 0` is, before anything starts.
    func validate() throws {
        if let threads, !(1...Self.maxThreads).contains(threads) {
            throw ValidationError("--threads: \(threads) is outside 1 to \(Self.maxThreads)")
        }
    }

    func run() throws {
        try reportingErrors {
            guard let config = config ?? (FileManager.default.fileExists(atPath: "mesh.yaml") ? "mesh.yaml" : nil) else {
                throw CommandError("no --config given and no mesh.yaml here: name the mesh to run (mesh-top run --config FILE)")
            }
            var mesh = try MeshConfig.load(path: config)
            try Self.placeAccessLogs(&mesh, besides: URL(fileURLWithPath: config).deletingLastPathComponent(), headless: session.headless)
            let options = session.resolved()
            let cluster = try registry.cluster()
            if instance != nil, cluster == nil {
                throw CommandError("--instance names this instance in a shared mesh: give --registry etcd://… too")
            }
            let me = try Self.instanceName(instance)
            let name = ((config as NSString).lastPathComponent as NSString).deletingPathExtension
            let logs = URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent(".mesh-top/logs")

            let adminAddress = session.admin.flatMap { HostPort($0) } ?? mesh.admin
            let adminFolder = logs.deletingLastPathComponent().appendingPathComponent("tls/admin").path
            let adminTLS = try AdminSettings.loadTLS(mesh.adminTLS, configFile: config, address: adminAddress, folder: adminFolder)
            var admin = try AdminSettings.resolve(option: session.admin, fallback: mesh.admin, token: mesh.effectiveToken(),
                                                  tls: adminTLS, insecure: mesh.adminInsecure)
            let header = LiveMesh.mesh(of: mesh, name: name, instance: cluster == nil ? nil : me)
            let logger = try session.logging.logger(headless: session.headless, besides: URL(fileURLWithPath: config).deletingLastPathComponent())
            admin?.renewTLS = AdminSettings.renewal(mesh.adminTLS, configFile: config, address: adminAddress,
                                                    folder: adminFolder, logger: logger)
            let sinks = try recording.sinks(headless: session.headless, journal: admin != nil, notify: mesh.notify, source: "run",
                                            mesh: header, reading: [config], logger: logger)
            let live = try LiveMesh(config: mesh, name: name, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                    logDirectory: logs, registry: cluster, instance: me, announce: { Stderr.line("mesh-top: \($0)") },
                                    logger: logger, onEvent: sinks.accept)
            defer { live.shutdown() }
            let outcome = Result {
                try SessionLauncher.run(live, sinks: sinks, settings: .init(
                    speed: 1, duration: options.duration,
                    refresh: options.refresh, mono: options.mono, ascii: session.ascii, headless: session.headless,
                    mouse: !session.noMouse, admin: admin, logger: logger, healthCheckerLoad: live.healthCheckerLoad,
                    listenerCounters: live.listenerCounters))
            }
            GracefulStop.drain(live)
            try outcome.get()
        }
    }

    /// Access logs relative to mesh.yaml's directory; `-` (stdout) only where stdout is not the
    /// dashboard's.
    static func placeAccessLogs(_ mesh: inout MeshConfig, besides directory: URL, headless: Bool) throws(CommandError) {
        for i in mesh.services.indices {
            guard var log = mesh.services[i].accessLog else { continue }
            if log.isStandardOutput {
                guard headless else {
                    throw CommandError("\(mesh.services[i].name): access_log: - writes to stdout, which the dashboard draws on: use --headless, or a file")
                }
                continue
            }
            if !log.path.hasPrefix("/") { log.path = directory.appendingPathComponent(log.path).path }
            let parent = (log.path as NSString).deletingLastPathComponent
            // A directory that cannot be made shows as the log's own error when it is opened.
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            mesh.services[i].accessLog = log
        }
    }

    /// `--instance`, or the host name: a name etcd keys can hold (no '/', no spaces).
    static func instanceName(_ given: String?) throws(CommandError) -> String {
        let name = given ?? ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "mesh-top"
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
        guard !name.isEmpty, name.count <= 64, allowed else {
            throw CommandError("--instance '\(name)': expected letters, digits, '-', '_' or '.' (at most 64)")
        }
        return name
    }
}
