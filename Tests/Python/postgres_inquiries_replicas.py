"""Two `inquiries` processes (replicas) on one PostgreSQL database of their own
(scripts/postgres.sh), with a client spreading calls over both: one idempotency key retried through
both replicas at once has one effect (one ticket, one rule version) and one answer; the same key with
another request is refused by either replica; new rule versions published through both at once get
distinct consecutive versions; and what one replica published, the other answers with (the same
product, the same answer citing the latest rule version, through either).

    python3 postgres_inquiries_replicas.py --bin .build/debug
"""

import argparse
import concurrent.futures
import os
import shutil
import tempfile

import grpc

import postgres_support
import support_stubs

support_stubs.generate()

from support.common.v1 import common_pb2  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="postgres-inquiries-replicas-")
    os.chmod(work, 0o755)  # the cluster's owner (postgres) must reach its directory inside
    cluster = postgres_support.Cluster(os.path.join(work, "pg"))
    replicas = []
    checks = support_stubs.Checks()
    try:
        keys = support_stubs.LocalKeys(args.bin, os.path.join(work, "keys"))
        for index in range(2):
            replicas.append(postgres_support.Service(
                os.path.join(args.bin, "inquiries"), "--data-dir", os.path.join(work, f"data-{index}"),
                *keys.flags("inquiries"), "--database-url", cluster.url))
        stubs = [inquiries_pb2_grpc.InquiriesStub(replica.channel) for replica in replicas]
        agent = [("authorization", "Bearer " + keys.mint("agent-1", "agent"))]
        customer = [("authorization", "Bearer " + keys.mint("customer-1", "customer"))]

        def spread(call, count):
            """`call(stub)` `count` times at once, alternating replicas; returns every response."""
            with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
                return list(pool.map(lambda index: call(stubs[index % 2]), range(count)))

        code_of = support_stubs.code_of

        def tickets(stub):
            found, token = [], ""
            while True:
                page = stub.ListTickets(inquiries_pb2.ListTicketsRequest(
                    page=common_pb2.PageRequest(page_size=100, page_token=token)),
                    metadata=agent, timeout=20)
                found.extend(page.tickets)
                token = page.next_page_token
                if not token:
                    return found

        unanswerable = "Is the moon base open on Sundays?"

        def one_ticket_per_key_across_replicas():
            ask = inquiries_pb2.AskQuestionRequest(idempotency_key="ask-1", question=unanswerable)
            responses = spread(lambda stub: stub.AskQuestion(ask, metadata=customer, timeout=30), 8)
            assert all(r.WhichOneof("result") == "ticket" for r in responses), responses
            assert len({r.ticket.ticket_id for r in responses}) == 1, {r.ticket.ticket_id for r in responses}
            assert len({r.SerializeToString(deterministic=True) for r in responses}) == 1, "answers differ"
            for stub in stubs:
                assert [t.ticket_id for t in tickets(stub)] == [responses[0].ticket.ticket_id]
            other = inquiries_pb2.AskQuestionRequest(idempotency_key="ask-1", question="Another question?")
            for stub in stubs:
                assert code_of(lambda: stub.AskQuestion(other, metadata=customer, timeout=10)) \
                    == grpc.StatusCode.ALREADY_EXISTS

        def distinct_keys_each_have_their_effect():
            before = len(tickets(stubs[0]))
            with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
                responses = list(pool.map(lambda index: stubs[index % 2].AskQuestion(
                    inquiries_pb2.AskQuestionRequest(idempotency_key=f"many-{index}", question=unanswerable),
                    metadata=customer, timeout=30), range(20)))
            assert len({r.ticket.ticket_id for r in responses}) == 20
            for stub in stubs:
                assert len(tickets(stub)) == before + 20

        def rule(text, keywords):
            return inquiries_pb2.KnowledgeRule(
                rule_id="shipping.moon", topic=inquiries_pb2.TOPIC_SHIPPING, title="Shipping to the moon",
                text=text, keywords=keywords, policy_version="2026-11")

        def one_rule_version_per_key():
            before = stubs[1].ListRules(inquiries_pb2.ListRulesRequest(), metadata=customer, timeout=10)
            publish = inquiries_pb2.PublishRuleRequest(
                idempotency_key="rule-1", rule=rule("We ship to the moon in 30 days.", ["moon"]))
            responses = spread(lambda stub: stub.PublishRule(publish, metadata=agent, timeout=30), 6)
            assert len({r.SerializeToString(deterministic=True) for r in responses}) == 1, responses
            assert responses[0].version == 1, responses[0]
            assert responses[0].knowledge_base_version == before.knowledge_base_version + 1, responses[0]
            for stub in stubs:
                listed = stub.ListRules(inquiries_pb2.ListRulesRequest(topic=inquiries_pb2.TOPIC_SHIPPING),
                                        metadata=customer, timeout=10)
                assert listed.knowledge_base_version == responses[0].knowledge_base_version, listed
                moon = [r for r in listed.rules if r.rule_id == "shipping.moon"]
                assert len(moon) == 1 and moon[0].version == 1, moon

        def versions_published_through_both_are_distinct():
            responses = []
            with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
                responses = list(pool.map(lambda index: stubs[index % 2].PublishRule(inquiries_pb2.PublishRuleRequest(
                    idempotency_key=f"rule-v-{index}", rule=rule(f"We ship to the moon in {31 + index} days.", ["moon"])),
                    metadata=agent, timeout=30), range(6)))
            assert sorted(r.version for r in responses) == list(range(2, 8)), [r.version for r in responses]
            assert len({r.knowledge_base_version for r in responses}) == 6, responses
            latest = max(responses, key=lambda r: r.version)
            for stub in stubs:
                listed = stub.ListRules(inquiries_pb2.ListRulesRequest(topic=inquiries_pb2.TOPIC_SHIPPING),
                                        metadata=customer, timeout=10)
                moon = [r for r in listed.rules if r.rule_id == "shipping.moon"]
                assert moon == [latest], (moon, latest)

        def both_replicas_answer_alike():
            product = inquiries_pb2.Product(sku="MOON-1", name="Moon boots", description="For low gravity",
                                            specifications={"size": "42"}, price=postgres_support.money(9_900))
            stored = stubs[1].UpsertProduct(inquiries_pb2.UpsertProductRequest(idempotency_key="p-1", product=product),
                                            metadata=agent, timeout=10)
            for stub in stubs:
                assert stub.GetProduct(inquiries_pb2.GetProductRequest(sku="MOON-1"), metadata=customer,
                                       timeout=10) == stored
            answers = [stub.AskQuestion(inquiries_pb2.AskQuestionRequest(
                idempotency_key=f"moon-{index}", question="How long does shipping to the moon take?"),
                metadata=customer, timeout=10) for index, stub in enumerate(stubs)]
            assert all(a.WhichOneof("result") == "answer" for a in answers), answers
            assert answers[0].answer == answers[1].answer, answers
            listed = stubs[0].ListRules(inquiries_pb2.ListRulesRequest(topic=inquiries_pb2.TOPIC_SHIPPING),
                                        metadata=customer, timeout=10)
            moon = [r for r in listed.rules if r.rule_id == "shipping.moon"]
            cited = [part.rule.rule_id for part in answers[0].answer.parts]
            assert len(moon) == 1 and f"shipping.moon@v{moon[0].version}" in cited, (cited, moon)
            assert answers[0].answer.knowledge_base_version == listed.knowledge_base_version, answers[0]

        for name, check in [("one_ticket_per_key_across_replicas", one_ticket_per_key_across_replicas),
                            ("distinct_keys_each_have_their_effect", distinct_keys_each_have_their_effect),
                            ("one_rule_version_per_key", one_rule_version_per_key),
                            ("versions_published_through_both_are_distinct",
                             versions_published_through_both_are_distinct),
                            ("both_replicas_answer_alike", both_replicas_answer_alike)]:
            checks.run(f"postgres inquiries replicas {name}", check)
    finally:
        for replica in replicas:
            replica.stop()
        cluster.remove()
        shutil.rmtree(work, ignore_errors=True)
    checks.exit()


if __name__ == "__main__":
    main()
