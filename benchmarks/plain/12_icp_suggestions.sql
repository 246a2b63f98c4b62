-- ICP discovery: what the best customers share; icp_suggestions. One row per attribute value
-- observed among customers (industry, employee band, region, business model, funding stage, each
-- tool of the tech stack) and per value a current criterion names: support (best customers with
-- it), share among the best and among all customers, lift; suggested when lift >=
-- discovery_min_lift and support >= discovery_min_support, confirmed when the current ICP already
-- has it (an in/contains_any criterion lists it, or the band lies inside an employee_count range),
-- stale when the ICP has it and the data does not suggest it.

-- The customers discovery learns from, each population with its own best customers (the first
-- ceil(best_customer_share x customers)): `all` ranked by LTV, `training` the customers acquired
-- before the back-test's holdout (the last backtest_holdout_days days), ranked by LTV, and
-- `realised` all ranked by revenue paid so far (the trust check of suggestions whose LTV rests
-- on the lifetime cap).
create or replace table discovery_customers as
select 'all' as population, account_id, is_best_customer from best_customers
union all
select 'training', account_id,
    row_number() over (order by round(u.ltv_usd, 2) desc, account_id)
        <= ceil(getvariable('best_customer_share') * count(*) over ())
from unit_economics as u join customer_facts as f using (account_id)
where cast(f.first_paid_at as date)
    <= getvariable('as_of') - to_days(cast(getvariable('backtest_holdout_days') as integer))
union all
select 'realised', account_id,
    row_number() over (order by round(f.lifetime_revenue_usd, 2) desc, account_id)
        <= ceil(getvariable('best_customer_share') * count(*) over ())
from best_customers join customer_facts as f using (account_id);

-- What each customer is, as (attribute, value) rows.
create or replace table customer_traits as
select distinct account_id, attribute, value, lower(value) as value_key
from (
    unpivot (
        select g.account_id, g.industry, g.employee_band, g.region, g.business_model,
            g.funding_stage
        from firmographics as g join best_customers using (account_id)
    ) on industry, employee_band, region, business_model, funding_stage
    into name attribute value value
    union all
    select g.account_id, 'tech_stack', lower(trim(tool))
    from firmographics as g join best_customers using (account_id),
        unnest(string_split(g.tech_stack, ';')) as t(tool)
    where trim(tool) <> ''
);

-- Per population and value: support, shares, lift (to 4 decimals) and whether it is suggested.
create or replace table value_lifts as
with totals as (
    select population, count(*) as customers,
        count(*) filter (where is_best_customer) as best_customers
    from discovery_customers
    group by all
),
observed as (
    select c.population, t.attribute, t.value_key, min(t.value) as value,
        count(*) as customers_with_value, count(*) filter (where c.is_best_customer) as support
    from customer_traits as t join discovery_customers as c using (account_id)
    group by all
),
measured as (
    select o.*,
        case when n.best_customers > 0 then o.support / n.best_customers end as share_best,
        o.customers_with_value / n.customers as share_all
    from observed as o join totals as n using (population)
)
select population, attribute, value_key, value, support, customers_with_value,
    round(share_best, 4) as share_best, round(share_all, 4) as share_all,
    round(share_best / share_all, 4) as lift,
    coalesce(share_best / share_all >= getvariable('discovery_min_lift'), false)
        and support >= getvariable('discovery_min_support') as is_suggested
from measured;

create or replace table icp_suggestions as
with lifts as (
    select * from value_lifts where population = 'all'
),
totals as (
    select count(*) as customers, count(*) filter (where is_best_customer) as best_customers
    from discovery_customers where population = 'all'
),
listed_in_icp as (
    select attribute, lower(trim(item)) as value_key, min(trim(item)) as value
    from current_criteria, unnest(string_split(value, '|')) as t(item)
    where operator in ('in', 'contains_any') and trim(item) <> ''
        and attribute in ('industry', 'region', 'business_model', 'funding_stage', 'tech_stack')
    group by all
),
bands_in_icp as (
    select distinct 'employee_band' as attribute, lower(b.employee_band) as value_key,
        b.employee_band as value
    from (
        select employee_band, cast(min_employees as bigint) as min_employees,
            cast(max_employees as bigint) as max_employees
        from reference('employee_bands')
    ) as b
    join current_criteria as c on c.attribute = 'employee_count'
        and b.min_employees >= coalesce(c.low_value, b.min_employees)
        and (c.high_value is null
            or (b.max_employees is not null and b.max_employees <= c.high_value))
),
in_icp as (
    select * from listed_in_icp union all select * from bands_in_icp
),
all_values as (
    select coalesce(l.attribute, i.attribute) as attribute, coalesce(l.value, i.value) as value,
        coalesce(l.support, 0) as support,
        coalesce(l.customers_with_value, 0) as customers_with_value,
        l.lift, i.value_key is not null as in_current_icp, l.share_best, l.share_all,
        coalesce(l.is_suggested, false) as is_suggested
    from lifts as l
    full join in_icp as i on l.attribute = i.attribute and l.value_key = i.value_key
)
select a.attribute, a.value, a.support, a.customers_with_value, a.lift, a.in_current_icp,
    coalesce(a.share_best, case when t.best_customers > 0 then 0.0 end) as share_best,
    coalesce(a.share_all, case when t.customers > 0 then 0.0 end) as share_all,
    case
        when a.is_suggested then if(a.in_current_icp, 'confirmed', 'suggested')
        when a.in_current_icp then 'stale'
    end as status
from all_values as a cross join totals as t;
