import CommonAPI
import Foundation
import OversightAPI
import Runtime
import Testing
import Wire

@testable import ConsoleWeb

/// Whole pages rendered from replies whose every text field carries markup: none of it may come
/// out as markup.
@Suite("Pages escape what the services return")
struct PageEscapingTests {
    static let hostile = #"<script>alert(1)</script><img src=x onerror="x()">"#
    static let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;x()&quot;&gt;"

    let viewer = Viewer(identity: Identity(subject: "lead-1", role: .agent), token: "t")

    /// Checks that `markup` (a page the console wrote, which has no script or image of its own)
    /// holds the hostile text only escaped.
    func expectEscaped(_ markup: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!markup.contains("<script"), sourceLocation: sourceLocation)
        #expect(!markup.contains("<img"), sourceLocation: sourceLocation)
        #expect(markup.contains(Self.escaped), sourceLocation: sourceLocation)
    }

    @Test("a complaint's subject, text, messages, resolution and notifications")
    func complaintPage() {
        let actor = Actor.with {
            $0.subject = Self.hostile
            $0.role = .customer
        }
        let complaint = Complaint.with {
            $0.complaintID = Self.hostile
            $0.customerID = Self.hostile
            $0.subject = Self.hostile
            $0.text = Self.hostile
            $0.relatedCase = "issue/\(Self.hostile)"
            $0.state = .submitted
            $0.resolution = Self.hostile
            $0.messages = [
                CaseMessage.with {
                    $0.author = actor
                    $0.text = Self.hostile
                }
            ]
            $0.notifications = [Notification.with { $0.text = Self.hostile }]
        }
        let staff = [
            StaffMember.with {
                $0.staffID = Self.hostile
                $0.name = Self.hostile
            }
        ]
        let markup = ComplaintPage(complaint: complaint, staff: staff).render(viewer: viewer).markup
        expectEscaped(markup)
        #expect(markup.contains("/cases/issue/%3Cscript%3E"))  // the link's path is percent-encoded
    }

    @Test("the overview's categories and the fairness page's groups")
    func reportPages() throws {
        let report = Report.with {
            $0.topCategories = [
                CategoryCount.with {
                    $0.category = Self.hostile
                    $0.count = 3
                }
            ]
            $0.fairness = FairnessReport.with {
                $0.dimensions = [
                    FairnessDimension.with {
                        $0.dimension = Self.hostile
                        $0.groups = [
                            GroupOutcome.with {
                                $0.group = Self.hostile
                                $0.flagged = true
                                $0.grantedLessOften = true
                            }
                        ]
                    }
                ]
                $0.valueBandCurrency = Self.hostile
            }
        }
        let period = try ReportPeriod.parse(from: nil, to: nil, days: "7", today: Date())
        let overview = OverviewPage(period: period, total: report, steps: period.steps.map { ($0, report) })
        expectEscaped(overview.render(viewer: viewer).markup)
        let agents = AgentReport.with {
            $0.agents = [
                AgentAttitude.with {
                    $0.agentID = Self.hostile
                    $0.teams = [Self.hostile]
                }
            ]
        }
        let fairness = FairnessPage(period: period, fairness: report.fairness ?? FairnessReport(), agents: agents)
        expectEscaped(fairness.render(viewer: viewer).markup)
    }

    @Test("audit records and a sample's notes")
    func auditPages() {
        let event = Event.with {
            $0.sourceService = Self.hostile
            $0.aggregateType = "issue"
            $0.aggregateID = Self.hostile
            $0.customerID = Self.hostile
            $0.summary = Self.hostile
            $0.kind = .message
            $0.message = MessageDetail.with { $0.message = CaseMessage.with { $0.text = Self.hostile } }
        }
        let record = AuditRecord.with {
            $0.sequence = 7
            $0.event = event
        }
        let sample = AuditSample.with {
            $0.sampleID = Self.hostile
            $0.items = [
                AuditItem.with {
                    $0.record = record
                    $0.verdict = .fail
                    $0.note = Self.hostile
                }
            ]
        }
        let auditor = Viewer(identity: Identity(subject: "audit-1", role: .auditor), token: "t")
        expectEscaped(SamplePage(sample: sample).render(viewer: auditor).markup)
        expectEscaped(CaseHistory.records([record], caption: Self.hostile).markup)
    }
}
