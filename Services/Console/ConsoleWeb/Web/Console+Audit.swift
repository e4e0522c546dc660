import CommonAPI
import Foundation
import Hummingbird
import OversightAPI
import Runtime
import Wire

extension Console {
    /// The audit log's search, its verification, and the random samples.
    func addAuditRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/audit") { request, _ in
            await respond(request) {
                let viewer = try staff(request)
                let page = try await AuditPage.load(fields: FormFields(request.uri.query), peers: peers, viewer: viewer)
                return Self.html(page.render(viewer: viewer))
            }
        }
        router.get("/audit/verification") { request, _ in
            await respond(request) {
                let viewer = try staff(request)
                return Self.html(try await VerificationPage.load(peers: peers, viewer: viewer).render(viewer: viewer))
            }
        }
        router.get("/audit/samples") { request, _ in
            await respond(request) {
                _ = try staff(request)
                guard let id = FormFields(request.uri.query).text("id") else {
                    throw PageError.badRequest("name a sample id")
                }
                return Self.redirect("/audit/samples/\(URLText.component(id))")
            }
        }
        router.post("/audit/samples") { request, _ in
            await respond(request) {
                let viewer = try staff(request)
                let fields = try await form(request, secret: viewer.token)
                guard let seed = fields.text("seed").flatMap(UInt64.init) else {
                    throw PageError.badRequest("the seed is a whole number from 0 to 18446744073709551615")
                }
                guard let size = fields.text("size").flatMap(Int32.init), (1...1_000).contains(size) else {
                    throw PageError.badRequest("the size is 1 to 1000")
                }
                guard let days = fields.text("days").flatMap(Int.init), (1...ReportPeriod.maximumDays).contains(days)
                else { throw PageError.badRequest("the days back are 1 to \(ReportPeriod.maximumDays)") }
                let key = try Self.idempotencyKey(fields)
                let period = try ReportPeriod.parse(from: nil, to: nil, days: String(days), today: now())
                let sample = try await peers.call("oversight", as: viewer) { client in
                    try await Oversight.Client(client).createAuditSample(
                        CreateAuditSampleRequest.with {
                            $0.idempotencyKey = key
                            $0.seed = seed
                            $0.size = size
                            $0.from = Timestamp(period.start)
                            $0.to = Timestamp(period.end)
                        })
                }
                return Self.redirect("/audit/samples/\(URLText.component(sample.sampleID))")
            }
        }
        router.get("/audit/samples/:id") { request, context in
            await respond(request) {
                let viewer = try staff(request)
                let page = try await SamplePage.load(try Self.parameter(context, "id"), peers: peers, viewer: viewer)
                return Self.html(page.render(viewer: viewer))
            }
        }
        router.post("/audit/samples/:id/items/:sequence") { request, context in
            await respond(request) {
                let viewer = try staff(request)
                let fields = try await form(request, secret: viewer.token)
                let id = try Self.parameter(context, "id")
                guard let sequence = Int64(try Self.parameter(context, "sequence")), sequence >= 1 else {
                    throw PageError.notFound("no such record")
                }
                let verdict: AuditVerdict
                switch fields.text("verdict") {
                case "pass": verdict = .pass
                case "fail": verdict = .fail
                default: throw PageError.badRequest("choose pass or fail")
                }
                let note = fields.text("note") ?? ""
                let key = try Self.idempotencyKey(fields)
                _ = try await peers.call("oversight", as: viewer) { client in
                    try await Oversight.Client(client).markAuditItem(
                        MarkAuditItemRequest.with {
                            $0.idempotencyKey = key
                            $0.sampleID = id
                            $0.sequence = sequence
                            $0.verdict = verdict
                            $0.note = note
                        })
                }
                return Self.redirect("/audit/samples/\(URLText.component(id))#item-\(sequence)")
            }
        }
    }
}
