import ExamEngine
import Foundation
import HTTPTypes
public import Hummingbird

extension CandidatePaper: ResponseEncodable {}
extension CandidateState: ResponseEncodable {}
extension SaveReceipt: ResponseEncodable {}
extension CandidateLogin: ResponseEncodable {}

/// The candidate's API: login, paper, answers, doubtful marks, state, finish.
struct CandidateController {
    let service: ExamService

    struct LoginBody: Decodable {
        let participantNumber: String
        let pin: String
        let accessCode: String
        let device: String
    }

    struct AnswerBody: Decodable, Equatable {
        /// The option's identity (its letter in the bank), or null to clear the answer.
        let option: String?
        let sequence: Int64

        /// The exact form the exam page sends, `{"option":"B","sequence":12}` (or
        /// `"option":null`), read without a JSON decoder: it is the one request a full
        /// room sends thousands of times a second. Anything else is nil, and goes to the
        /// JSON decoder, which also says what is wrong with it.
        static func canonical(_ buffer: ByteBuffer) -> AnswerBody? {
            buffer.withUnsafeReadableBytes { bytes -> AnswerBody? in
                var index = 0
                func expect(_ text: StaticString) -> Bool {
                    let count = text.utf8CodeUnitCount
                    guard index + count <= bytes.count, memcmp(bytes.baseAddress! + index, text.utf8Start, count) == 0 else { return false }
                    index += count
                    return true
                }
                guard expect("{\"option\":") else { return nil }
                var option: String?
                if !expect("null") {
                    guard expect("\"") else { return nil }
                    let start = index
                    while index < bytes.count, index - start <= 16, bytes[index] != UInt8(ascii: "\"") {
                        let byte = bytes[index]
                        guard (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
                        else {
                            return nil
                        }
                        index += 1
                    }
                    guard index > start, index - start <= 16, expect("\"") else { return nil }
                    option = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
                }
                guard expect(",\"sequence\":") else { return nil }
                var sequence: Int64 = 0
                let digits = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]), index - digits < 16 {
                    sequence = sequence * 10 + Int64(bytes[index] - 0x30)
                    index += 1
                }
                guard index > digits, bytes[digits] != 0x30, expect("}"), index == bytes.count else { return nil }
                return AnswerBody(option: option, sequence: sequence)
            }
        }
    }

    struct DoubtBody: Decodable {
        let doubtful: Bool
        let sequence: Int64
    }

    struct FinishResponse: ResponseEncodable {
        let finished: Bool
        let score: ScoreView
    }

    func addRoutes(to group: RouterGroup<ExamRequestContext>) {
        group.post("login") { request, context -> CandidateLogin in
            let body = try await request.decode(as: LoginBody.self, context: context)
            return try await service.login(
                participant: body.participantNumber,
                pin: body.pin,
                accessCode: body.accessCode,
                device: body.device,
                address: context.clientAddress
            )
        }
        group.get("paper") { request, _ -> Response in
            let json = try await service.paperJSON(try credential(request))
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: json))
            )
        }
        // Every figure of the candidate's paper at once (the page's start).
        group.get("images") { request, _ -> Response in
            let json = try await service.paperImages(try credential(request))
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "private, no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: json))
            )
        }
        // A figure of the candidate's paper, by content address: the page fetches every one
        // with the paper, and the browser keeps it (it never changes under its address).
        group.get("images/:digest") { request, context -> Response in
            let image = try await service.paperImage(try credential(request), digest: try context.parameters.require("digest"))
            return Response(
                status: .ok,
                headers: [
                    .contentType: image.mediaType, .cacheControl: "private, max-age=31536000, immutable", .eTag: "\"\(image.digest)\"",
                    .init("X-Content-Type-Options")!: "nosniff",
                    // Opened on its own, a figure is a picture and nothing more.
                    .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: image.data))
            )
        }
        group.put("answers/:item") { request, context -> Response in
            let credential = try credential(request)
            let item = try context.parameters.require("item")
            var request = request
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            let body: AnswerBody
            if let canonical = AnswerBody.canonical(buffer) { body = canonical } else { body = try await request.decode(as: AnswerBody.self, context: context) }
            let receipt = try await service.save(credential, item: item, option: body.option, sequence: body.sequence)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: receipt.json()))
            )
        }
        group.put("doubtful/:item") { request, context -> SaveReceipt in
            let credential = try credential(request)
            let item = try context.parameters.require("item")
            let body = try await request.decode(as: DoubtBody.self, context: context)
            return try await service.mark(credential, item: item, doubtful: body.doubtful, sequence: body.sequence)
        }
        // Asked every few seconds by the page: a number that moves when the proctor changes the session.
        group.get("pulse") { request, _ -> Response in
            let pulse = try await service.pulse(try credential(request))
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"pulse\":\(pulse)}"))
            )
        }
        group.get("state") { request, _ -> CandidateState in
            try await service.state(try credential(request))
        }
        group.post("finish") { request, _ -> FinishResponse in
            let sheet = try await service.finish(try credential(request))
            return FinishResponse(finished: true, score: ScoreView(sheet))
        }
    }
}

/// The bearer token of a request, or the refusal a missing one deserves.
func bearer(_ request: Request) throws -> String {
    guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
        throw ExamNodeError.badToken
    }
    return String(header.dropFirst(7))
}

/// The header each of the exam page's requests carries its device id in.
let deviceHeader = HTTPField.Name("X-Seleksi-Device")!

/// A candidate request's token and the device it comes from.
func credential(_ request: Request) throws -> CandidateCredential {
    let token = try bearer(request)
    guard let device = request.headers[deviceHeader], !device.isEmpty else { throw ExamNodeError.badToken }
    return CandidateCredential(token: token, device: device)
}
