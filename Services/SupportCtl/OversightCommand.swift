import ArgumentParser
import CommonAPI
import Foundation
import OversightAPI
import RPC
import Runtime
import Wire

/// `supportctl oversight`: reports, audit samples and the audit log's verification.
struct OversightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oversight", abstract: "Service reports, audit samples and audit-log verification.",
        subcommands: [ReportCommand.self, AgentsCommand.self, SampleCommand.self, VerifyCommand.self])

    /// `supportctl oversight report --days N`.
    struct ReportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report", abstract: "The service report for the last days.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "How many days back the report covers.") var days = 30

        func run() async throws {
            try await Failure.report {
                let now = Date()
                let report = try await Oversight.Client(try connection.client(for: "oversight")).getReport(
                    GetReportRequest.with {
                        $0.from = Timestamp(now.addingTimeInterval(-Double(days) * 86_400))
                        $0.to = Timestamp(now.addingTimeInterval(60))
                    })
                func seconds(_ duration: ProtoDuration?) -> String { "\(duration?.seconds ?? 0)s" }
                func percent(_ ppm: Int64) -> String { String(format: "%.1f%%", Double(ppm) / 10_000) }
                var fields: [(String, Any)] = [
                    ("events", Int(report.events)), ("decisions", Int(report.decisions)),
                    ("standardization", percent(report.standardizationPpm)),
                    (
                        "first_response p50/p90/p99",
                        "\(seconds(report.firstResponse?.p50)) / \(seconds(report.firstResponse?.p90)) / \(seconds(report.firstResponse?.p99))"
                    ),
                    (
                        "resolution p50/p90/p99",
                        "\(seconds(report.resolution?.p50)) / \(seconds(report.resolution?.p90)) / \(seconds(report.resolution?.p99))"
                    ),
                    ("refund SLA compliance", percent(report.refundSla?.compliancePpm ?? 0)),
                    (
                        "satisfaction (mean of 5)",
                        String(
                            format: "%.2f (%lld ratings)", Double(report.satisfaction?.meanScoreMilli ?? 0) / 1_000,
                            report.satisfaction?.ratings ?? 0)
                    ),
                    ("fairness overall rate", percent(report.fairness?.overallRatePpm ?? 0)),
                    ("fairness overall refusal rate", percent(report.fairness?.overallRefusalRatePpm ?? 0)),
                    (
                        "value bands in",
                        report.fairness?.valueBandCurrency.isEmpty == false
                            ? "\(report.fairness?.valueBandCurrency ?? "") (rate table \(report.fairness?.rateTableVersion ?? 0))"
                            : "each order's own currency (no rate table)"
                    ),
                    ("disparity flagged", report.fairness?.disparityFlagged ?? false),
                ]
                for dimension in report.fairness?.dimensions ?? [] {
                    let groups = dimension.groups.map { group in
                        let flags = [
                            group.grantedLessOften ? "granted less often" : nil,
                            group.refusedMoreOften ? "refused more often" : nil,
                        ].compactMap { $0 }
                        return
                            "\(group.group) \(percent(group.ratePpm)) granted / \(percent(group.refusalRatePpm)) refused"
                            + (flags.isEmpty ? "" : " FLAGGED (\(flags.joined(separator: ", ")))")
                    }
                    fields.append((dimension.dimension, groups.joined(separator: ", ")))
                }
                fields.append(
                    (
                        "top categories",
                        report.topCategories.map { "\($0.category) \($0.count)" }.joined(separator: ", ")
                    ))
                Output(json: connection.json).record(fields)
            }
        }
    }

    /// `supportctl oversight agents --days N`.
    struct AgentsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agents", abstract: "Support attitude per agent for the last days, outliers flagged.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "How many days back the report covers.") var days = 30

        func run() async throws {
            try await Failure.report {
                let now = Date()
                let report = try await Oversight.Client(try connection.client(for: "oversight")).getAgentReport(
                    GetAgentReportRequest.with {
                        $0.from = Timestamp(now.addingTimeInterval(-Double(days) * 86_400))
                    })
                func seconds(_ duration: ProtoDuration?) -> String { "\(duration?.seconds ?? 0)s" }
                Output(json: connection.json).table(
                    [
                        "agent", "teams", "first p50", "next p50", "resolution p50", "within target", "mean score",
                        "deviations", "complaints", "flagged",
                    ],
                    report.agents.map { agent in
                        let figures = agent.figures ?? AttitudeFigures()
                        return [
                            agent.agentID, agent.teams.joined(separator: ","), seconds(figures.firstResponse?.p50),
                            seconds(figures.nextResponse?.p50), seconds(figures.resolution?.p50),
                            "\(figures.withinTarget)/\(figures.responses)",
                            Formatting.meanScore(figures),
                            "\(figures.playbookDeviations)", "\(figures.complaints)",
                            [agent.slow ? "slow" : nil, agent.badlyRated ? "badly rated" : nil].compactMap { $0 }
                                .joined(separator: ", "),
                        ]
                    })
            }
        }
    }

    /// `supportctl oversight sample --seed N --size N`.
    struct SampleCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sample", abstract: "Draw a reproducible audit sample.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The seed: the same seed and period give the same sample.") var seed: UInt64
        @Option(help: "How many records.") var size: Int32 = 10
        @Option(help: "How many days back the sample draws from.") var days = 30

        func run() async throws {
            try await Failure.report {
                let now = Date()
                let sample = try await Oversight.Client(try connection.client(for: "oversight")).createAuditSample(
                    CreateAuditSampleRequest.with {
                        $0.idempotencyKey = "supportctl-\(UUID())"; $0.seed = seed; $0.size = size
                        $0.from = Timestamp(now.addingTimeInterval(-Double(days) * 86_400))
                        $0.to = Timestamp(now.addingTimeInterval(60))
                    })
                Output(json: connection.json).table(
                    ["sample", "sequence", "source", "case", "kind", "summary"],
                    sample.items.map { item in
                        [
                            sample.sampleID, "\(item.record?.sequence ?? 0)", item.record?.event?.sourceService ?? "",
                            item.record?.event?.aggregateID ?? "",
                            Formatting.name(item.record?.event?.kind ?? .unspecified),
                            item.record?.event?.summary ?? "",
                        ]
                    })
            }
        }
    }

    /// `supportctl oversight verify`: the hash chain, checked against the signed checkpoints the
    /// services hold (a service that cannot be reached is named on standard error and skipped).
    struct VerifyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Verify the audit log's hash chain against the checkpoints the services hold.")
        @OptionGroup var connection: ConnectionOptions
        @Option(
            parsing: .upToNextOption,
            help: "The services whose checkpoints to collect (default orders returns refunds inquiries; none to skip).")
        var checkpointsFrom: [String] = ["orders", "returns", "refunds", "inquiries"]

        func run() async throws {
            try await Failure.report {
                var checkpoints: [AuditCheckpoint] = []
                var held: [String] = []
                for service in checkpointsFrom where service != "none" {
                    do {
                        let response = try await AuditCheckpoints.Client(try connection.client(for: service))
                            .getLatestCheckpoint(
                                GetLatestCheckpointRequest(), options: CallOptions(timeout: .seconds(5)))
                        if let checkpoint = response.checkpoint {
                            checkpoints.append(checkpoint)
                            held.append("\(service)@\(checkpoint.sequence)")
                        }
                    } catch {
                        FileHandle.standardError.write(Data("note: no checkpoint from \(service): \(error)\n".utf8))
                    }
                }
                let result = try await Oversight.Client(try connection.client(for: "oversight")).verifyAuditLog(
                    VerifyAuditLogRequest.with { $0.checkpoints = checkpoints })
                Output(json: connection.json).record([
                    ("valid", result.valid), ("records_checked", Int(result.recordsChecked)),
                    // A number in JSON (0 when valid, as the RPC says); "-" in text when valid.
                    ("first_invalid", connection.json || !result.valid ? Int(result.firstInvalidSequence) : "-"),
                    ("problem", result.problem.isEmpty ? "-" : result.problem),
                    ("head_hash", result.headHash.map { String(format: "%02x", $0) }.joined()),
                    ("checkpoints", held.isEmpty ? "-" : held.joined(separator: ", ")),
                    ("checkpoints_checked", Int(result.checkpointsChecked)),
                ])
                if !result.valid { throw ExitCode(2) }
            }
        }
    }
}
