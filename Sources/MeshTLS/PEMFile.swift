import Foundation
import NIOSSL
import SwiftASN1
import X509

/// Reads certificate and key files (PEM), saying in one line which file is missing, unreadable
/// or not what it should be.
enum PEMFile {
    /// The file's text; a missing or unreadable file fails naming it.
    static func text(_ path: String) throws(TLSError) -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw TLSError(file: path, "no such file") }
        guard FileManager.default.isReadableFile(atPath: path),
              let data = FileManager.default.contents(atPath: path) else {
            throw TLSError(file: path, "cannot be read (permissions?)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Every certificate in the file, in order (a chain: leaf first).
    static func certificates(_ path: String) throws(TLSError) -> [Certificate] {
        let text = try text(path)
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
            guard !documents.isEmpty else { throw TLSError("no PEM") }
        } catch {
            throw TLSError(file: path, "is not PEM (expected -----BEGIN CERTIFICATE-----)")
        }
        let certs = documents.filter { $0.discriminator == "CERTIFICATE" }
        guard !certs.isEmpty else { throw TLSError(file: path, "holds no certificate (expected -----BEGIN CERTIFICATE-----)") }
        var out: [Certificate] = []
        for (i, doc) in certs.enumerated() {
            do {
                out.append(try Certificate(pemDocument: doc))
            } catch {
                throw TLSError(file: path, "certificate \(i + 1) cannot be parsed: \(error)")
            }
        }
        return out
    }

    /// The private key in the file (PKCS#8, SEC1 EC or PKCS#1 RSA).
    static func privateKey(_ path: String) throws(TLSError) -> Certificate.PrivateKey {
        let text = try text(path)
        guard text.contains("PRIVATE KEY-----") else {
            throw TLSError(file: path, "holds no private key (expected -----BEGIN PRIVATE KEY-----)")
        }
        do {
            return try Certificate.PrivateKey(pemEncoded: text)
        } catch {
            throw TLSError(file: path, "the private key cannot be read (encrypted keys are not supported): \(error)")
        }
    }

    /// The same certificates as BoringSSL takes them.
    static func nioCertificates(_ certs: [Certificate], file: String) throws(TLSError) -> [NIOSSLCertificate] {
        do {
            return try certs.map { cert in
                var serializer = DER.Serializer()
                try serializer.serialize(cert)
                return try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
            }
        } catch {
            throw TLSError(file: file, "BoringSSL refuses a certificate: \(error)")
        }
    }

    static func nioPrivateKey(_ path: String) throws(TLSError) -> NIOSSLPrivateKey {
        do {
            return try NIOSSLPrivateKey(bytes: Array(try text(path).utf8), format: .pem)
        } catch let error as TLSError {
            throw error
        } catch {
            throw TLSError(file: path, "BoringSSL refuses the private key: \(error)")
        }
    }
}
