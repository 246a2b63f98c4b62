-- dim_refresh, the as-of date: the variable when given (then no input is read), else the latest
-- event date in the input (the latest invoice, subscription start or cancellation, opportunity
-- close or spend date), read from the raw files since the quarantine itself needs it.
create or replace table dim_refresh as
select getvariable('as_of') as as_of_date
where getvariable('as_of') is not null
union all
select cast(max(event_at) as date)
from (
    select parse_ts(clean(issued_at)) as event_at from raw.billing_invoices
    union all select parse_ts(clean(started_at)) from raw.billing_subscriptions
    union all select parse_ts(clean(canceled_at)) from raw.billing_subscriptions
    union all select parse_ts(clean(closed_at)) from raw.crm_opportunities
    union all select parse_ts(clean(spend_date)) from raw.marketing_spend
)
where getvariable('as_of') is null
having getvariable('as_of') is null;

set variable as_of = (select as_of_date from dim_refresh);
