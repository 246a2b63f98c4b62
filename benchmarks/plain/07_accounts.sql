-- The accounts: firmographics, customer facts (status, first payment, tenure, revenue, MRR) and
-- unit economics (ARPA, churn, lifetime, LTV, CAC, LTV:CAC, payback), from the accepted rows.
-- Definitions: /work/shared/spec/metrics.md. Money is DECIMAL to the micro-unit (an amount times
-- its rate rounded to 6 places), the marts round it to the cent.

-- A USD amount: amount x rate, to the micro-unit.
create or replace macro usd(amount, rate) as
    cast(cast(amount as decimal(38, 6)) * cast(rate as decimal(38, 10)) as decimal(38, 6));

-- amount / n to the micro-unit, rounded half away from zero (DuckDB divides decimals in DOUBLE,
-- which loses cents at 1e14): integer division of the micro-units.
create or replace macro share(amount, n) as
    cast(cast(amount as decimal(38, 6)) * 1000000 as hugeint) // n
    + case when 2 * abs(cast(cast(amount as decimal(38, 6)) * 1000000 as hugeint) % n) >= n
        then sign(amount) else 0 end;

create or replace macro micro(x) as cast(x as decimal(38, 0)) * cast(0.000001 as decimal(38, 6));

create or replace macro cents(x) as cast(round(x, 2) as decimal(38, 2));

-- Each rate is in force from its month until the currency's next one (an ASOF join on the month
-- picks it); USD is 1.
create or replace table fx_from as
select currency, month as valid_from, rate_to_usd from fx_rates where currency <> 'USD'
union all
select 'USD', date '1900-01-01', 1;

-- The rates in force in the as-of month, for MRR.
create or replace table fx_as_of as
select currency, arg_max(rate_to_usd, valid_from) as rate_to_usd
from fx_from
where valid_from <= date_trunc('month', getvariable('as_of'))
group by all;

create or replace table firmographics as
with countries as (
    select country_key, country_code from reference('country_aliases')
),
regions as (
    select country_code, region from reference('country_regions')
),
bands as (
    select employee_band, cast(min_employees as bigint) as min_employees,
        cast(max_employees as bigint) as max_employees
    from reference('employee_bands')
),
joined as (
    select a.account_id, a.account_name, a.domain, a.created_at,
        c.business_model, c.funding_stage, c.tech_stack, c.founded_year,
        coalesce(a.lead_source, 'unknown') as acquisition_channel,
        c.industry, c.employee_count, c.annual_revenue_usd,
        coalesce(hq.country_code, crm.country_code) as country_code,
        c.domain is not null as is_enriched
    from crm_accounts as a
    left join enrichment_companies as c on a.domain = c.domain
    left join countries as hq on country_key(c.hq_country) = hq.country_key
    left join countries as crm on country_key(a.country_code) = crm.country_key
)
select joined.*, bands.employee_band, regions.region
from joined
left join bands on joined.employee_count >= bands.min_employees
    and (bands.max_employees is null or joined.employee_count <= bands.max_employees)
left join regions on joined.country_code = regions.country_code;

create or replace table customer_facts as
with customers as (
    select customer_id, account_id from billing_customers where account_id is not null
),
paid_usd as (
    select c.account_id, i.issued_at, usd(i.amount - i.amount_refunded, fx.rate_to_usd) as net_usd
    from (
        select *, cast(date_trunc('month', issued_at) as date) as month
        from billing_invoices where status = 'paid'
    ) as i
    join customers as c using (customer_id)
    asof join fx_from as fx on i.currency = fx.currency and i.month >= fx.valid_from
),
paid as (
    select account_id, min(issued_at) filter (where net_usd > 0) as first_paid_at,
        sum(net_usd) as lifetime_revenue_usd
    from paid_usd
    group by all
),
subscriptions as (
    -- A cancellation after the as-of date has not happened yet.
    select c.account_id, s.status, s.mrr, s.currency,
        s.canceled_at is not null and cast(s.canceled_at as date) <= getvariable('as_of')
            as is_canceled,
        s.canceled_at
    from billing_subscriptions as s
    join customers as c using (customer_id)
),
live as (
    select s.account_id,
        sum(case
            when (s.status in ('active', 'past_due')
                    or (s.status = 'canceled' and s.canceled_at is not null))
                and not s.is_canceled
            then usd(s.mrr, fx.rate_to_usd) else 0 end) as mrr_usd,
        max(case when s.is_canceled then s.canceled_at end) as last_canceled_at
    from subscriptions as s
    join fx_as_of as fx using (currency)
    group by all
),
statused as (
    select a.account_id, p.first_paid_at, l.last_canceled_at,
        case when p.first_paid_at is not null then p.lifetime_revenue_usd end
            as lifetime_revenue_usd,
        case when p.first_paid_at is not null then coalesce(l.mrr_usd, 0) end as mrr_usd,
        case when p.first_paid_at is null then 'prospect'
            when l.mrr_usd > 0 then 'active' else 'churned' end as customer_status
    from crm_accounts as a
    left join paid as p using (account_id)
    left join live as l using (account_id)
),
ended as (
    select *, case when customer_status = 'churned' then last_canceled_at end as churned_at,
        cast(first_paid_at as date) as tenure_start,
        coalesce(cast(case when customer_status = 'churned' then last_canceled_at end as date),
            getvariable('as_of')) as tenure_end
    from statused
)
select account_id, customer_status, first_paid_at,
    cast(date_trunc('month', first_paid_at) as date) as acquisition_month, churned_at,
    -- Whole months; from the 31st, a shorter month's last day completes the month.
    case when first_paid_at is not null then greatest(1,
        (year(tenure_end) - year(tenure_start)) * 12 + month(tenure_end) - month(tenure_start)
        - case when day(tenure_end) < day(tenure_start) and tenure_end <> last_day(tenure_end)
            then 1 else 0 end) end as tenure_months,
    lifetime_revenue_usd, mrr_usd
from ended;

-- Monthly churn over the 12 calendar months ending with the as-of month, per industry x employee
-- band with at least min_segment_customers customers, and overall.
create or replace table churn_rates as
with population as (
    select f.account_id, f.first_paid_at, f.churned_at, g.industry, g.employee_band
    from customer_facts as f join firmographics as g using (account_id)
    where f.customer_status = 'active'
        or (f.customer_status = 'churned' and f.churned_at is not null)
),
months as (
    select cast(date_trunc('month', getvariable('as_of')) - to_months(k) as date) as month_start
    from range(12) as t(k)
),
large_segments as (
    select industry, employee_band from population
    where industry is not null and employee_band is not null
    group by all having count(*) >= getvariable('min_segment_customers')
),
counted as (
    select p.industry, p.employee_band, grouping(p.industry, p.employee_band) > 0 as is_overall,
        count(*) filter (where p.churned_at >= m.month_start
            and p.churned_at < m.month_start + interval 1 month) as churned,
        count(*) filter (where p.first_paid_at < m.month_start
            and (p.churned_at is null or p.churned_at >= m.month_start)) as customer_months
    from population as p cross join months as m
    group by grouping sets ((p.industry, p.employee_band), ())
)
select c.industry, c.employee_band, c.is_overall, c.churned,
    case when customer_months > 0 then churned / customer_months end as monthly_churn_rate
from counted as c
left join large_segments as s using (industry, employee_band)
where c.is_overall or s.industry is not null;

-- Everything CAC divides, in USD per month at each amount's own month's rate: marketing spend per
-- channel and the sales team's cost (no channel).
create or replace table spend_monthly as
with amounts as (
    select cast(date_trunc('month', spend_date) as date) as month, channel, 'marketing' as kind,
        amount, currency
    from marketing_spend
    union all
    select cast(date_trunc('month', month) as date), null, 'sales', amount, currency
    from sales_costs
)
select a.month, a.channel, a.kind, sum(usd(a.amount, fx.rate_to_usd)) as amount_usd
from amounts as a
asof join fx_from as fx on a.currency = fx.currency and a.month >= fx.valid_from
group by all;

-- CAC: each new customer carries an equal share of its channel's marketing spend in its
-- acquisition month and of that month's sales cost.
create or replace table cac_channel_months as
with spend as (
    select month, channel, amount_usd as marketing_spend_usd
    from spend_monthly where kind = 'marketing'
),
sales as (
    select month, amount_usd as sales_cost_usd from spend_monthly where kind = 'sales'
),
new_customers as (
    select f.acquisition_month as month, g.acquisition_channel as channel, count(*) as new_customers
    from customer_facts as f join firmographics as g using (account_id)
    where f.customer_status <> 'prospect'
    group by all
),
channel_months as (
    select coalesce(s.month, n.month) as month, coalesce(s.channel, n.channel) as channel,
        coalesce(s.marketing_spend_usd, 0) as marketing_spend_usd,
        coalesce(n.new_customers, 0) as new_customers
    from spend as s full join new_customers as n on s.month = n.month and s.channel = n.channel
)
select c.*,
    case when c.new_customers > 0 then micro(share(c.marketing_spend_usd, c.new_customers)) end
        as channel_cac_usd,
    case when sum(c.new_customers) over (partition by c.month) > 0
        then micro(share(coalesce(sales.sales_cost_usd, 0),
            sum(c.new_customers) over (partition by c.month)))
    end as sales_cac_usd
from channel_months as c left join sales using (month);

create or replace table unit_economics as
with customers as (
    select f.*, g.industry, g.employee_band, g.acquisition_channel,
        case when f.customer_status = 'active' then f.mrr_usd
            else micro(share(f.lifetime_revenue_usd, f.tenure_months)) end as arpa_usd
    from customer_facts as f join firmographics as g using (account_id)
    where f.customer_status <> 'prospect'
),
valued as (
    select c.*,
        case when seg.industry is not null then seg.monthly_churn_rate
            else overall.monthly_churn_rate end as monthly_churn_rate
    from customers as c
    left join churn_rates as seg on not seg.is_overall
        and c.industry = seg.industry and c.employee_band = seg.employee_band
    cross join (select monthly_churn_rate from churn_rates where is_overall) as overall
),
lifetimes as (
    select *,
        case when monthly_churn_rate is null or monthly_churn_rate = 0
            then getvariable('ltv_max_lifetime_months')
            else least(1.0 / monthly_churn_rate, getvariable('ltv_max_lifetime_months'))
        end as expected_lifetime_months
    from valued
),
with_values as (
    select l.*,
        case when customer_status = 'churned'
            then cast(lifetime_revenue_usd * getvariable('gross_margin') as decimal(38, 6))
            else cast(arpa_usd * getvariable('gross_margin') * expected_lifetime_months
                as decimal(38, 6))
        end as ltv_usd,
        coalesce(k.channel_cac_usd, 0) + coalesce(k.sales_cac_usd, 0) as cac_usd
    from lifetimes as l
    left join cac_channel_months as k
        on l.acquisition_month = k.month and l.acquisition_channel = k.channel
)
select account_id, arpa_usd, monthly_churn_rate, expected_lifetime_months, ltv_usd, cac_usd,
    case when cac_usd <> 0 then cast(ltv_usd as double) / cast(cac_usd as double) end as ltv_to_cac,
    case when arpa_usd * getvariable('gross_margin') <> 0
        then cast(cac_usd as double) / (cast(arpa_usd as double) * getvariable('gross_margin'))
    end as cac_payback_months
from with_values;
