import Foundation
import MeshTLS
import Testing

/// The built-in CA and the checks every certificate and key file goes through: each mistake is
/// one line that names the file.
@Suite struct CertificateFilesTests {
    @Test func caInitWritesAPrivateKeyOnlyItsOwnerReadsAndRefusesToOverwrite() throws {
        let scratch = try Scratch()
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.ca.keyFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: TLSError.self) { try CertificateAuthority.create(in: scratch.ca.folder) }
        let loaded = try CertificateAuthority.load(from: scratch.ca.folder)
        #expect(loaded.certificate == scratch.ca.certificate)
        chmod(scratch.ca.keyFile, 0o644)
        #expect(throws: TLSError(file: scratch.ca.keyFile, "is readable by others (mode 644): chmod 600 it")) {
            try CertificateAuthority.load(from: scratch.ca.folder)
        }
    }

    @Test func issuedCertificatesCarryTheSPIFFEIDAndChainToTheCA() throws {
        guard Tools.available("openssl") else { return }
        let scratch = try Scratch()
        let files = try scratch.issue("web")
        let pair = try CertificateKeyPair(cert: files.certificate, key: files.key)
        let identity = PeerIdentity(pair.leaf)
        #expect(identity.uris == ["spiffe://mesh-top.local/ns/default/sa/web"])
        #expect(identity.dnsNames == ["localhost"] && identity.ipAddresses == ["127.0.0.1"])
        #expect(identity.subject == "CN=web,O=mesh-top")
        #expect(pair.daysToExpiry() == 0)
        let verify = try Tools.run("openssl", ["verify", "-CAfile", files.ca, "-purpose", "sslserver", files.certificate])
        #expect(verify.status == 0, "\(verify.output)")
        let key = try FileManager.default.attributesOfItem(atPath: files.key)[.posixPermissions] as? Int
        #expect(key == 0o600)
        // cert + key concatenated (HAProxy's `crt` bundle) is still two PEM blocks.
        let bundle = try Tools.run("sh", ["-c", "cat \(files.certificate) \(files.key) | openssl pkey -noout && echo key-ok"])
        #expect(bundle.output.contains("key-ok"), "\(bundle.output)")
    }

    @Test func eachBadFileIsOneLineNamingIt() throws {
        let scratch = try Scratch()
        let web = try scratch.issue("web"), api = try scratch.issue("api")
        let missing = scratch.path + "/nope.pem"
        #expect(throws: TLSError(file: missing, "no such file")) { try CertificateKeyPair(cert: missing, key: web.key) }
        #expect(throws: TLSError(file: api.key, "is not the private key of the certificate in \(web.certificate)")) {
            try CertificateKeyPair(cert: web.certificate, key: api.key)
        }
        #expect(throws: TLSError(file: web.key, "holds no certificate (expected -----BEGIN CERTIFICATE-----)")) {
            try CertificateKeyPair(cert: web.key, key: web.key)
        }
        let text = scratch.path + "/notes.txt"
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(throws: TLSError(file: text, "is not PEM (expected -----BEGIN CERTIFICATE-----)")) {
            try CertificateKeyPair(cert: text, key: web.key)
        }
        #expect(throws: TLSError(file: web.certificate, "holds no private key (expected -----BEGIN PRIVATE KEY-----)")) {
            try CertificateKeyPair(cert: web.certificate, key: web.certificate)
        }
        let unreadable = scratch.path + "/locked.key"
        try FileManager.default.copyItem(atPath: web.key, toPath: unreadable)
        chmod(unreadable, 0)
        if getuid() != 0 {  // root reads anything
            #expect(throws: TLSError(file: unreadable, "cannot be read (permissions?)")) {
                try CertificateKeyPair(cert: web.certificate, key: unreadable)
            }
        }
        // Issued two days ago for a day: expired yesterday.
        let old = try scratch.ca.issue(name: "old", into: scratch.path + "/old", lifetime: 86_400,
                                       now: Date().addingTimeInterval(-2 * 86_400))
        let error = #expect(throws: TLSError.self) { try CertificateKeyPair(cert: old.certificate, key: old.key) }
        #expect(error?.file == old.certificate)
        #expect(error?.message.hasPrefix("the certificate expired on ") == true)
        #expect(throws: TLSError.self) { try TrustBundle(file: old.certificate) }
    }

    @Test func forwardedClientCertIsEnvoysFormat() {
        let client = PeerIdentity(subject: "CN=client,O=mesh-top", uris: ["spiffe://mesh-top.local/ns/default/sa/client"],
                                  dnsNames: ["c.local"], sha256: "ab12")
        let server = PeerIdentity(subject: "CN=web", uris: ["spiffe://mesh-top.local/ns/default/sa/web"])
        #expect(ForwardedClientCert.value(client: client, by: server)
                == #"By=spiffe://mesh-top.local/ns/default/sa/web;Hash=ab12;Subject="CN=client,O=mesh-top";URI=spiffe://mesh-top.local/ns/default/sa/client;DNS=c.local"#)
        let odd = PeerIdentity(subject: "CN=a\"b\r\n", uris: ["x:a;b"], sha256: "00")
        #expect(ForwardedClientCert.value(client: odd, by: nil) == #"Hash=00;Subject="CN=a\"b";URI="x:a;b""#)
    }

    @Test func identityMatchingIsExactOnAnySAN() {
        let peer = PeerIdentity(subject: "CN=web", uris: ["spiffe://mesh-top.local/ns/default/sa/web"], dnsNames: ["web.internal"])
        #expect(peer.matches([]))
        #expect(peer.matches(["spiffe://mesh-top.local/ns/default/sa/web"]))
        #expect(peer.matches(["other", "web.internal"]))
        #expect(!peer.matches(["spiffe://mesh-top.local/ns/default/sa/api"]))
        #expect(!peer.matches(["web"]))
    }
}
