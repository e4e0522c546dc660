"""Loads the demo data through the services' own RPCs (idempotent: orders already loaded by an earlier run are kept as they are):
customers in several regions with accounts of different ages, orders delivered on various dates
and still on their way, their shipments, a product catalog, the official rate table and the
complaints staff roster."""

import os
import sys
import time

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Python"))
import support_stubs  # noqa: E402

support_stubs.generate()

from google.protobuf import timestamp_pb2  # noqa: E402
from support.common.v1 import common_pb2  # noqa: E402
from support.inquiries.v1 import inquiries_pb2, inquiries_pb2_grpc  # noqa: E402
from support.orders.v1 import orders_pb2, orders_pb2_grpc  # noqa: E402
from support.oversight.v1 import oversight_pb2, oversight_pb2_grpc  # noqa: E402

DAY = 86400
CUSTOMERS = [
    ("ana", "EU", "PT", "Lisboa", 2200), ("ben", "NA", "US", "Boston", 40), ("chen", "APAC", "CN", "Shanghai", 900),
    ("dia", "LATAM", "BR", "Recife", 10), ("emre", "EU", "TR", "Izmir", 400), ("fatima", "MEA", "AE", "Dubai", 1500),
    ("gita", "APAC", "IN", "Pune", 5), ("hugo", "EU", "DE", "Berlin", 3000),
]
PRODUCTS = [
    ("KET-1", "Steel kettle", 4999, {"volume": "1.7 l", "power": "2200 W", "material": "stainless steel"}),
    ("MUG-2", "Stoneware mug", 1299, {"volume": "350 ml", "dishwasher safe": "yes"}),
    ("LAMP-3", "Desk lamp", 3999, {"power": "8 W LED", "colour temperature": "2700-6500 K"}),
    ("BAG-4", "Canvas backpack", 7900, {"volume": "22 l", "weight": "650 g"}),
    ("PHONE-5", "Phone case", 1999, {"material": "recycled TPU", "fits": "6.1 inch phones"}),
]
RATES = [("EUR", 2, "1"), ("USD", 2, "1.0845"), ("GBP", 2, "0.8571"), ("JPY", 0, "162.35"), ("CHF", 2, "0.9412"),
         ("BRL", 2, "5.3921"), ("INR", 2, "90.214"), ("AED", 2, "3.9831"), ("KWD", 3, "0.3329"), ("BHD", 3, "0.4088")]


def timestamp(seconds_ago):
    value = timestamp_pb2.Timestamp()
    value.FromSeconds(int(time.time() - seconds_ago))
    return value


def money(minor, currency="EUR"):
    return common_pb2.Money(minor_units=minor, currency_code=currency)


def load(ports, bin_dir, private_key, clock_days_ago=0):
    """Loads what is missing; with `clock_days_ago` (the services' clocks that far back, see
    demo_history.py) only the orders placed and delivered by then."""
    def as_(subject, role):
        return [("authorization", "Bearer " + support_stubs.mint(bin_dir, private_key, subject, role))]

    # Outside services as the identity provider names them: the storefront imports orders, the
    # carrier reports tracking events.
    platform, carrier, agent = as_("storefront", "service"), as_("carrier", "service"), as_("demo-agent", "agent")
    orders = orders_pb2_grpc.OrdersStub(grpc.insecure_channel(f"127.0.0.1:{ports['orders']}"))
    inquiries = inquiries_pb2_grpc.InquiriesStub(grpc.insecure_channel(f"127.0.0.1:{ports['inquiries']}"))
    oversight = oversight_pb2_grpc.OversightStub(grpc.insecure_channel(f"127.0.0.1:{ports['oversight']}"))

    for staff_id, name, teams in [("staff-kim", "Kim Park", ["complaints"]), ("staff-lea", "Lea Roth", ["complaints", "returns"]),
                                  ("demo-agent", "Demo Agent", ["orders", "returns"])]:
        oversight.UpsertStaffMember(oversight_pb2.UpsertStaffMemberRequest(
            idempotency_key=f"demo-staff-{staff_id}",
            member=oversight_pb2.StaffMember(staff_id=staff_id, name=name, teams=teams, active=True)), metadata=agent)
    inquiries.PublishRateTable(inquiries_pb2.PublishRateTableRequest(
        idempotency_key="demo-rates-1", base_currency="EUR",
        rates=[inquiries_pb2.CurrencyRate(currency_code=c, minor_digits=d, units_per_base=r) for c, d, r in RATES]),
        metadata=agent)
    for sku, name, price, specs in PRODUCTS:
        inquiries.UpsertProduct(inquiries_pb2.UpsertProductRequest(
            idempotency_key=f"demo-product-{sku}", product=inquiries_pb2.Product(
                sku=sku, name=name, description=f"The {name.lower()}.", specifications=specs, price=money(price))),
            metadata=agent)

    count = 0
    for index, (customer, region, country, city, age_days) in enumerate(CUSTOMERS):
        # Two orders each: one delivered some days ago (3 to 75), one still on its way or just placed.
        for number, delivered_days_ago in enumerate([3 + index * 10, None]):
            order_id = f"DEMO-{customer.upper()}-{number + 1}"
            if clock_days_ago and (delivered_days_ago or 0) <= clock_days_ago:
                continue  # not delivered yet at the services' clock
            try:
                orders.GetOrder(orders_pb2.GetOrderRequest(order_id=order_id), metadata=platform)
                count += 1
                continue  # loaded by an earlier run (its dates were relative to that run)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
            sku, name, price, _ = PRODUCTS[(index + number) % len(PRODUCTS)]
            placed = (delivered_days_ago or 0) + 4
            order = orders_pb2.Order(
                order_id=order_id, customer_id=customer, placed_at=timestamp(placed * DAY),
                lines=[orders_pb2.OrderLine(line_number=1, sku=sku, title=name, quantity=1 + number, unit_price=money(price))],
                payments=[orders_pb2.Payment(payment_id=f"pay-{order_id}", method="card",
                                             amount=money(price * (1 + number)), captured_at=timestamp(placed * DAY))],
                shipping_address=orders_pb2.Address(recipient=customer.title(), line1=f"{index + 1} Main Street", city=city,
                                                    postal_code=f"{10000 + index}", country_code=country),
                fairness=common_pb2.FairnessAttributes(region=region, account_created_at=timestamp(age_days * DAY)))
            orders.ImportOrder(orders_pb2.ImportOrderRequest(idempotency_key=f"demo-import-{order_id}", order=order),
                               metadata=platform)
            steps = []
            if delivered_days_ago is not None:
                steps = [(orders_pb2.TRACKING_STATUS_PICKED_UP, placed - 1), (orders_pb2.TRACKING_STATUS_IN_TRANSIT, placed - 2),
                         (orders_pb2.TRACKING_STATUS_DELIVERED, delivered_days_ago)]
            elif index % 2 == 0:
                steps = [(orders_pb2.TRACKING_STATUS_PICKED_UP, 3), (orders_pb2.TRACKING_STATUS_IN_TRANSIT, 2)]
            for status, days_ago in steps:
                orders.RecordTrackingEvent(orders_pb2.RecordTrackingEventRequest(
                    idempotency_key=f"demo-track-{order_id}-{status}", order_id=order_id,
                    event=orders_pb2.TrackingEvent(event_id=f"{order_id}-{status}", carrier="DHL",
                                                   tracking_number=f"TRK{order_id}", status=status,
                                                   description=orders_pb2.TrackingStatus.Name(status).split("_", 2)[-1].lower(),
                                                   occurred_at=timestamp(days_ago * DAY - 3600))), metadata=carrier)
            count += 1
    return count
