-- The floor: dim_accounts' LTV/CAC columns computed straight from the raw Parquet files in one
-- DuckDB query, the way someone who knows DuckDB would write it for clean input (no quarantine,
-- no intermediate tables, no tests). benchmarks/run.py times it in a fresh process with the
-- pipeline's memory_limit, and checks that it gives the pipeline's numbers before trusting the
-- timing. Definitions: /work/shared/spec/metrics.md (Money, Customers, LTV, CAC); the dbt models
-- they mirror are named beside each step.
--
-- Variables (SET VARIABLE before running): data_dir (the input directory), bands_csv
-- (dbt_project/reference/employee_bands.csv, so the bands cannot drift from the project's),
-- as_of (DATE), gross_margin, min_segment_customers, ltv_max_lifetime_months (the dbt vars). The
-- session must run with TimeZone = 'UTC'. The script is one SELECT, one row per CRM account;
-- run.py wraps it in COPY ... TO '<out>.parquet'. Values are left unrounded (dim_accounts rounds
-- money to the cent): the check then asks whether the pipeline's cents are a rounding of these,
-- which stays exact when a sum lands on a half cent and two summation orders round it apart.

with

-- fx: each rate is in force from its month until the currency's next one (the ASOF joins below
-- pick the latest month at or before the one converted in). USD is 1 and needs no row.
fx as (
    select upper(trim(currency)) as currency, cast(month as date) as month,
        cast(rate_to_usd as double) as rate
    from read_parquet(getvariable('data_dir') || '/fx_rates.parquet')
    where upper(trim(currency)) <> 'USD'
),

billing_customers as (
    select customer_id, nullif(trim(account_id), '') as account_id
    from read_parquet(getvariable('data_dir') || '/billing_customers.parquet')
),

-- int_billing__invoices_usd + the paid-invoice part of int_accounts__customer_facts.
paid_invoices as (
    select
        c.account_id,
        cast(cast(i.issued_at as timestamptz) as timestamp) as issued_at,
        cast(i.amount as double) - coalesce(cast(nullif(trim(i.amount_refunded), '') as double), 0)
            as net_amount,
        upper(trim(i.currency)) as currency
    from read_parquet(getvariable('data_dir') || '/billing_invoices.parquet') as i
    inner join billing_customers as c on i.customer_id = c.customer_id
    where lower(trim(i.status)) = 'paid' and c.account_id is not null
),

paid_usd as (
    select
        p.account_id,
        p.issued_at,
        p.net_amount * case when p.currency = 'USD' then 1.0 else fx.rate end as net_amount_usd
    from (select *, cast(date_trunc('month', issued_at) as date) as month from paid_invoices) as p
    asof left join fx on p.currency = fx.currency and p.month >= fx.month
),

invoice_facts as (
    select
        account_id,
        min(issued_at) filter (where net_amount_usd > 0) as first_paid_at,
        sum(net_amount_usd) as lifetime_revenue_usd
    from paid_usd
    group by account_id
),

-- int_billing__subscriptions_as_of: a cancellation after the as-of date has not happened yet.
as_of_rates as (
    select currency, arg_max(rate, month) as rate
    from fx
    where month <= cast(date_trunc('month', getvariable('as_of')) as date)
    group by currency
),

subscriptions as (
    select
        c.account_id,
        lower(trim(s.status)) as status,
        cast(cast(nullif(trim(s.canceled_at), '') as timestamptz) as timestamp) as canceled_at,
        cast(s.mrr as double) as mrr,
        upper(trim(s.currency)) as currency
    from read_parquet(getvariable('data_dir') || '/billing_subscriptions.parquet') as s
    inner join billing_customers as c on s.customer_id = c.customer_id
    where c.account_id is not null
),

subscription_facts as (
    select
        s.account_id,
        sum(case
            when (s.status in ('active', 'past_due')
                    or (s.status = 'canceled' and s.canceled_at is not null))
                and not coalesce(cast(s.canceled_at as date) <= getvariable('as_of'), false)
            then s.mrr * case when s.currency = 'USD' then 1.0 else r.rate end
            else 0
        end) as mrr_usd,
        max(s.canceled_at) filter (where cast(s.canceled_at as date) <= getvariable('as_of'))
            as last_canceled_at
    from subscriptions as s
    left join as_of_rates as r on s.currency = r.currency
    group by s.account_id
),

-- int_accounts__firmographics (only what LTV/CAC need: industry, employee band, channel).
enrichment as (
    select
        nullif(regexp_replace(regexp_replace(lower(trim(domain)), '^[a-z]+://', ''),
            '^www\.|[/?#].*$', '', 'g'), '') as domain,
        nullif(trim(industry), '') as industry,
        try_cast(nullif(trim(employee_count), '') as bigint) as employee_count
    from read_parquet(getvariable('data_dir') || '/enrichment_companies.parquet')
),

bands as (
    select employee_band, min_employees, max_employees
    from read_csv(getvariable('bands_csv'), header = true)
),

accounts as (
    select
        a.account_id,
        coalesce(lower(nullif(trim(a.lead_source), '')), 'unknown') as acquisition_channel,
        e.industry,
        b.employee_band
    from read_parquet(getvariable('data_dir') || '/crm_accounts.parquet') as a
    left join enrichment as e
        on nullif(regexp_replace(regexp_replace(lower(trim(a.domain)), '^[a-z]+://', ''),
            '^www\.|[/?#].*$', '', 'g'), '') = e.domain
    left join bands as b
        on e.employee_count >= b.min_employees
        and (b.max_employees is null or e.employee_count <= b.max_employees)
),

-- int_accounts__customer_facts
facts as (
    select
        a.*,
        i.first_paid_at,
        case when i.first_paid_at is not null then i.lifetime_revenue_usd end
            as lifetime_revenue_usd,
        case when i.first_paid_at is not null then coalesce(s.mrr_usd, 0) end as mrr_usd,
        case
            when i.first_paid_at is null then 'prospect'
            when coalesce(s.mrr_usd, 0) > 0 then 'active'
            else 'churned'
        end as customer_status,
        s.last_canceled_at
    from accounts as a
    left join invoice_facts as i on a.account_id = i.account_id
    left join subscription_facts as s on a.account_id = s.account_id
),

customers as (
    select
        *,
        -- Whole months, the spec's rule: a shorter month's last day completes the month.
        greatest(1, (year(tenure_end) - year(tenure_start)) * 12
            + month(tenure_end) - month(tenure_start)
            - case when day(tenure_end) < day(tenure_start)
                and tenure_end <> last_day(tenure_end) then 1 else 0 end) as tenure_months,
        cast(date_trunc('month', first_paid_at) as date) as acquisition_month
    from (
        select
            *,
            case when customer_status = 'churned' then last_canceled_at end as churned_at,
            cast(first_paid_at as date) as tenure_start,
            coalesce(cast(case when customer_status = 'churned' then last_canceled_at end
                as date), getvariable('as_of')) as tenure_end
        from facts
        where customer_status <> 'prospect'
    )
),

-- int_customers__churn_rates: 12 calendar months ending with the as-of month.
months as (
    select cast(date_trunc('month', getvariable('as_of')) - to_months(k) as date) as month_start
    from range(12) as t(k)
),

churn_population as (
    select account_id, first_paid_at, churned_at, industry, employee_band
    from customers
    where customer_status = 'active' or churned_at is not null
),

segment_sizes as (
    select industry, employee_band, count(*) as customers
    from churn_population
    where industry is not null and employee_band is not null
    group by all
    having count(*) >= getvariable('min_segment_customers')
),

churn_counts as (
    select
        p.industry,
        p.employee_band,
        count(*) filter (where p.first_paid_at < m.month_start
            and (p.churned_at is null or p.churned_at >= m.month_start)) as customer_months,
        count(*) filter (where p.churned_at >= m.month_start
            and p.churned_at < m.month_start + interval 1 month) as churned_customers,
        grouping(p.industry) = 1 as is_overall
    from churn_population as p
    cross join months as m
    group by grouping sets ((p.industry, p.employee_band), ())
),

churn_rates as (
    select
        industry,
        employee_band,
        is_overall,
        case when customer_months > 0
            then cast(churned_customers as double) / customer_months end as monthly_churn_rate
    from churn_counts
),

-- int_cac__channel_months
new_customers as (
    select acquisition_month as month, acquisition_channel as channel, count(*) as n
    from customers
    group by all
),

marketing as (
    select m.month, m.channel,
        sum(m.amount * case when m.currency = 'USD' then 1.0 else fx.rate end) as spend_usd
    from (
        select cast(date_trunc('month', cast(spend_date as date)) as date) as month,
            lower(trim(channel)) as channel, cast(amount as double) as amount,
            upper(trim(currency)) as currency
        from read_parquet(getvariable('data_dir') || '/marketing_spend.parquet')
    ) as m
    asof left join fx on m.currency = fx.currency and m.month >= fx.month
    group by all
),

sales as (
    select s.month,
        sum(s.amount * case when s.currency = 'USD' then 1.0 else fx.rate end) as cost_usd
    from (
        select cast(date_trunc('month', cast(month as date)) as date) as month,
            cast(amount as double) as amount, upper(trim(currency)) as currency
        from read_parquet(getvariable('data_dir') || '/sales_costs.parquet')
    ) as s
    asof left join fx on s.currency = fx.currency and s.month >= fx.month
    group by all
),

cac as (
    select
        n.month,
        n.channel,
        coalesce(mk.spend_usd, 0) / n.n
            + coalesce(sl.cost_usd, 0) / sum(n.n) over (partition by n.month) as cac_usd
    from new_customers as n
    left join marketing as mk on n.month = mk.month and n.channel = mk.channel
    left join sales as sl on n.month = sl.month
),

-- int_accounts__unit_economics
unit_economics as (
    select
        c.account_id,
        case when c.customer_status = 'active' then c.mrr_usd
            else c.lifetime_revenue_usd / c.tenure_months end as arpa_usd,
        coalesce(seg.monthly_churn_rate, case when seg.industry is null
            then overall.monthly_churn_rate end) as monthly_churn_rate,
        c.customer_status,
        c.lifetime_revenue_usd,
        k.cac_usd
    from customers as c
    left join segment_sizes as sz
        on c.industry = sz.industry and c.employee_band = sz.employee_band
    left join churn_rates as seg
        on not seg.is_overall and sz.industry = seg.industry
        and sz.employee_band = seg.employee_band
    cross join (select monthly_churn_rate from churn_rates where is_overall) as overall
    left join cac as k on c.acquisition_month = k.month and c.acquisition_channel = k.channel
),

valued as (
    select
        *,
        case when monthly_churn_rate is null or monthly_churn_rate = 0
            then getvariable('ltv_max_lifetime_months')
            else least(1.0 / monthly_churn_rate, getvariable('ltv_max_lifetime_months'))
        end as expected_lifetime_months
    from unit_economics
),

ltv as (
    select
        *,
        case when customer_status = 'churned'
            then lifetime_revenue_usd * getvariable('gross_margin')
            else arpa_usd * getvariable('gross_margin') * expected_lifetime_months
        end as ltv_usd
    from valued
)

select
    f.account_id,
    f.customer_status,
    f.first_paid_at,
    f.lifetime_revenue_usd,
    f.mrr_usd,
    l.arpa_usd,
    c.tenure_months,
    l.monthly_churn_rate,
    l.expected_lifetime_months,
    l.ltv_usd,
    l.cac_usd,
    case when l.cac_usd <> 0 then l.ltv_usd / l.cac_usd end as ltv_to_cac
from facts as f
left join customers as c on f.account_id = c.account_id
left join ltv as l on f.account_id = l.account_id
