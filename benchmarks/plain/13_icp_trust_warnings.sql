-- icp_trust_warnings, what the LTV figures rest on: active customers whose LTV uses the capped
-- lifetime (warned when any), customers who churned in the churn-rate window (warned when none),
-- and per suggested value its best customers on the cap and its lift when the best customers are
-- ranked by revenue paid so far (warned when most are capped and that lift is below
-- discovery_min_lift).

create or replace table icp_trust_warnings as
with capped as (
    select f.account_id,
        f.customer_status = 'active'
            and u.expected_lifetime_months >= getvariable('ltv_max_lifetime_months') as is_capped
    from customer_facts as f join unit_economics as u using (account_id)
),
totals as (
    select count(*) as customers, count(*) filter (where is_capped) as capped_customers
    from capped
),
churned as (
    select coalesce(max(churned), 0) as churned_customers from churn_rates where is_overall
),
suggestions as (
    select l.attribute, l.value, l.value_key, l.support, l.lift,
        count(*) filter (where capped.is_capped) as capped_support
    from value_lifts as l
    join customer_traits as t using (attribute, value_key)
    join discovery_customers as c
        on c.population = 'all' and t.account_id = c.account_id and c.is_best_customer
    join capped on t.account_id = capped.account_id
    where l.population = 'all' and l.is_suggested
    group by all
),
signals as (
    select 'lifetime_cap' as signal, null as attribute, null as value,
        capped_customers as customers, customers as of_customers, null::double as lift,
        null::double as realised_lift, capped_customers > 0 as is_warning
    from totals
    union all
    select 'churn_observed', null, null, churned_customers, customers, null, null,
        churned_customers = 0 and customers > 0
    from totals cross join churned
    union all
    select 'capped_suggestion', s.attribute, s.value, s.capped_support, s.support, s.lift,
        r.lift, s.capped_support > 0.5 * s.support
            and coalesce(r.lift, 0) < getvariable('discovery_min_lift')
    from suggestions as s
    left join value_lifts as r
        on r.population = 'realised' and s.attribute = r.attribute and s.value_key = r.value_key
)
select * exclude (is_warning) from signals where is_warning;
