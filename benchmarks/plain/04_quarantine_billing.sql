-- The quarantine of the billing tables (as 02_quarantine_reference.sql): customers (account_id
-- may be empty: unmatched, accepted), then subscriptions and invoices, whose customer_id must match
-- an accepted customer. A subscription's MRR is converted at the as-of month's rate.

create or replace table q_billing_customers as
with cleaned as (
    select _row_number, clean(customer_id) as r_customer_id, clean(account_id) as r_account_id,
        clean(currency) as r_currency, clean(created_at) as r_created_at
    from raw.billing_customers
),
typed as (
    select cleaned.*,
        ident(r_customer_id) as customer_id,
        ident(r_account_id) as account_id,
        mask(upper(r_currency)) as currency,
        parse_ts(r_created_at) as created_at
    from cleaned
),
checked as (
    select typed.*,
        coalesce(
            missing_rule('billing_customers.customer_id', r_customer_id),
            missing_rule('billing_customers.currency', r_currency),
            fx_rule('billing_customers.currency', currency,
                cast(date_trunc('month', created_at) as date), fx.first_rate_month),
            missing_rule('billing_customers.created_at', r_created_at),
            time_rule('billing_customers.created_at', r_created_at, created_at, 'timestamp'),
            after_as_of_rule('billing_customers.created_at', r_created_at, created_at),
            repeated_rule('billing_customers.customer_id', count(*) over (partition by customer_id),
                row_number() over (partition by customer_id order by _row_number)),
            ref_rule('billing_customers.account_id', 'stg_crm__accounts', typed.account_id,
                a.parent_key is not null)
        ) as failed
    from typed
    left join fx_first_month as fx on typed.currency = fx.fx_currency
    left join (select account_id as parent_key from crm_accounts) as a
        on typed.account_id = a.parent_key
)
select _row_number, coalesce(customer_id, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('customer_id', r_customer_id), kv('account_id', r_account_id),
            kv('currency', r_currency), kv('created_at', r_created_at)
        )) end as raw_row,
    customer_id, account_id, currency, created_at
from checked;

create or replace view billing_customers as
select * from q_billing_customers where reason_code is null;

create or replace table q_billing_subscriptions as
with cleaned as (
    select _row_number, clean(subscription_id) as r_subscription_id,
        clean(customer_id) as r_customer_id, clean(plan) as r_plan, clean(status) as r_status,
        clean(started_at) as r_started_at, clean(canceled_at) as r_canceled_at,
        clean(mrr) as r_mrr, clean(currency) as r_currency
    from raw.billing_subscriptions
),
typed as (
    select cleaned.*,
        ident(r_subscription_id) as subscription_id,
        ident(r_customer_id) as customer_id,
        mask(r_plan) as plan,
        lower(r_status) as status,
        parse_ts(r_started_at) as started_at,
        parse_ts(r_canceled_at) as canceled_at,
        parse_decimal(r_mrr) as mrr,
        mask(upper(r_currency)) as currency
    from cleaned
),
checked as (
    select typed.*,
        coalesce(
            missing_rule('billing_subscriptions.subscription_id', r_subscription_id),
            missing_rule('billing_subscriptions.customer_id', r_customer_id),
            missing_rule('billing_subscriptions.plan', r_plan),
            missing_rule('billing_subscriptions.status', r_status),
            enum_rule('billing_subscriptions.status', status,
                ['trialing', 'active', 'past_due', 'canceled']),
            missing_rule('billing_subscriptions.started_at', r_started_at),
            time_rule('billing_subscriptions.started_at', r_started_at, started_at, 'timestamp'),
            after_as_of_rule('billing_subscriptions.started_at', r_started_at, started_at),
            time_rule('billing_subscriptions.canceled_at', r_canceled_at, canceled_at, 'timestamp'),
            missing_rule('billing_subscriptions.mrr', r_mrr),
            decimal_rule('billing_subscriptions.mrr', r_mrr, mrr),
            min_rule('billing_subscriptions.mrr', r_mrr, mrr, 0),
            missing_rule('billing_subscriptions.currency', r_currency),
            fx_rule('billing_subscriptions.currency', currency,
                cast(date_trunc('month', getvariable('as_of')) as date), fx.first_rate_month),
            repeated_rule('billing_subscriptions.subscription_id',
                count(*) over (partition by subscription_id),
                row_number() over (partition by subscription_id order by _row_number)),
            ref_rule('billing_subscriptions.customer_id', 'stg_billing__customers',
                typed.customer_id, c.parent_key is not null)
        ) as failed
    from typed
    left join fx_first_month as fx on typed.currency = fx.fx_currency
    left join (select customer_id as parent_key from billing_customers) as c
        on typed.customer_id = c.parent_key
)
select _row_number, coalesce(subscription_id, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('subscription_id', r_subscription_id), kv('customer_id', r_customer_id),
            kv('plan', r_plan), kv('status', r_status), kv('started_at', r_started_at),
            kv('canceled_at', r_canceled_at), kv('mrr', r_mrr), kv('currency', r_currency)
        )) end as raw_row,
    subscription_id, customer_id, plan, status, started_at, canceled_at, mrr, currency
from checked;

create or replace view billing_subscriptions as
select * from q_billing_subscriptions where reason_code is null;

create or replace table q_billing_invoices as
with cleaned as (
    select _row_number, clean(invoice_id) as r_invoice_id, clean(customer_id) as r_customer_id,
        clean(subscription_id) as r_subscription_id, clean(issued_at) as r_issued_at,
        clean(status) as r_status, clean(amount) as r_amount,
        clean(amount_refunded) as r_amount_refunded, clean(currency) as r_currency
    from raw.billing_invoices
),
typed as (
    select cleaned.*,
        ident(r_invoice_id) as invoice_id,
        ident(r_customer_id) as customer_id,
        mask(r_subscription_id) as subscription_id,
        parse_ts(r_issued_at) as issued_at,
        lower(r_status) as status,
        parse_decimal(r_amount) as amount,
        parse_decimal(r_amount_refunded) as amount_refunded,
        mask(upper(r_currency)) as currency
    from cleaned
),
checked as (
    select typed.*,
        coalesce(
            missing_rule('billing_invoices.invoice_id', r_invoice_id),
            missing_rule('billing_invoices.customer_id', r_customer_id),
            missing_rule('billing_invoices.issued_at', r_issued_at),
            time_rule('billing_invoices.issued_at', r_issued_at, issued_at, 'timestamp'),
            after_as_of_rule('billing_invoices.issued_at', r_issued_at, issued_at),
            missing_rule('billing_invoices.status', r_status),
            enum_rule('billing_invoices.status', status, ['paid', 'open', 'void', 'uncollectible']),
            missing_rule('billing_invoices.amount', r_amount),
            decimal_rule('billing_invoices.amount', r_amount, amount),
            decimal_rule('billing_invoices.amount_refunded', r_amount_refunded, amount_refunded),
            min_rule('billing_invoices.amount_refunded', r_amount_refunded, amount_refunded, 0),
            missing_rule('billing_invoices.currency', r_currency),
            fx_rule('billing_invoices.currency', currency,
                cast(date_trunc('month', issued_at) as date), fx.first_rate_month),
            repeated_rule('billing_invoices.invoice_id', count(*) over (partition by invoice_id),
                row_number() over (partition by invoice_id order by _row_number)),
            ref_rule('billing_invoices.customer_id', 'stg_billing__customers', typed.customer_id,
                c.parent_key is not null)
        ) as failed
    from typed
    left join fx_first_month as fx on typed.currency = fx.fx_currency
    left join (select customer_id as parent_key from billing_customers) as c
        on typed.customer_id = c.parent_key
)
select _row_number, coalesce(invoice_id, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('invoice_id', r_invoice_id), kv('customer_id', r_customer_id),
            kv('subscription_id', r_subscription_id), kv('issued_at', r_issued_at),
            kv('status', r_status), kv('amount', r_amount),
            kv('amount_refunded', r_amount_refunded), kv('currency', r_currency)
        )) end as raw_row,
    invoice_id, customer_id, subscription_id, issued_at, status, amount,
    coalesce(amount_refunded, 0) as amount_refunded, currency
from checked;

create or replace view billing_invoices as
select * from q_billing_invoices where reason_code is null;
