-- The ICP back-test: every version of version_criteria scores every account as of the as-of
-- date, and each tier's customers are compared on what they did (icp_backtest, one row per
-- version and tier, empty tiers included); icp_versions: per version its criteria, the AUC of its
-- score for the best customers over all customers and over the holdout's (the last
-- backtest_holdout_days days; for the proposed version, the proposal learned on the customers
-- before them), and its tier A.

create or replace table version_scores as
select version_key, account_id, fit_score(weight, outcome) as score,
    fit_tier(fit_score(weight, outcome)) as icp_tier
from criterion_outcomes('version_criteria')
group by all;

-- Per account: customer or not, LTV and CAC to the cent, best customer, acquired in the holdout
-- or before, and 12-month retention (a customer whose first payment is at least 12 months before
-- the as-of date is retained unless it churned on or before its first anniversary; a churned
-- customer without a cancellation date is left out).
create or replace table backtest_accounts as
with joined as (
    select f.account_id, f.customer_status, f.customer_status <> 'prospect' as is_customer,
        f.churned_at, round(u.ltv_usd, 2) as ltv_usd, round(u.cac_usd, 2) as cac_usd,
        coalesce(b.is_best_customer, false) as is_best_customer,
        cast(f.first_paid_at as date) as first_paid_date,
        cast(f.first_paid_at as date) + interval 12 month as anniversary,
        getvariable('as_of') - to_days(cast(getvariable('backtest_holdout_days') as integer))
            as holdout_start
    from customer_facts as f
    left join unit_economics as u using (account_id)
    left join best_customers as b using (account_id)
)
select account_id, is_customer, ltv_usd, cac_usd, is_best_customer,
    is_customer and first_paid_date > holdout_start as is_holdout,
    is_customer and anniversary <= getvariable('as_of')
        and not (customer_status = 'churned' and churned_at is null) as is_retention_eligible,
    case when is_customer and anniversary <= getvariable('as_of')
            and not (customer_status = 'churned' and churned_at is null)
        then churned_at is null or cast(churned_at as date) > anniversary
    end as is_retained_12m
from joined;

-- AUC by the average rank of the scores (ties one half), over all customers and the holdout's.
create or replace table version_auc as
with populations as (
    select s.version_key, 'all' as population, s.score, a.is_best_customer
    from version_scores as s join backtest_accounts as a using (account_id)
    where a.is_customer
    union all
    select s.version_key, 'holdout', s.score, a.is_best_customer
    from version_scores as s join backtest_accounts as a using (account_id)
    where a.is_holdout
),
ranked as (
    select *,
        rank() over (partition by version_key, population order by score)
            + (count(*) over (partition by version_key, population, score) - 1) / 2.0
            as score_rank
    from populations
),
summed as (
    select version_key, population,
        count(*) filter (where is_best_customer) as best_customers,
        count(*) filter (where not is_best_customer) as other_customers,
        coalesce(sum(score_rank) filter (where is_best_customer), 0) as best_rank_sum
    from ranked
    group by all
)
select *,
    case when best_customers > 0 and other_customers > 0
        then round((best_rank_sum - best_customers * (best_customers + 1) / 2.0)
            / (cast(best_customers as double) * other_customers), 4)
    end as auc
from summed;

create or replace table icp_backtest as
with versions as (
    select distinct version_key, icp_version, status
    from version_criteria where status <> 'training'
),
by_tier as (
    select s.version_key, s.icp_tier, count(*) as accounts,
        count(*) filter (where a.is_customer) as customers,
        avg(a.ltv_usd) filter (where a.is_customer) as avg_ltv_usd,
        median(a.ltv_usd) filter (where a.is_customer) as median_ltv_usd,
        avg(a.cac_usd) filter (where a.is_customer) as avg_cac_usd,
        sum(a.ltv_usd) filter (where a.is_customer and a.cac_usd > 0) as ltv_with_cac,
        sum(a.cac_usd) filter (where a.is_customer and a.cac_usd > 0) as cac_with_cac,
        count(*) filter (where a.is_retention_eligible) as retention_customers,
        count(*) filter (where a.is_retained_12m) as retained_customers,
        count(*) filter (where a.is_customer and a.is_best_customer) as best_customers
    from version_scores as s join backtest_accounts as a using (account_id)
    group by all
),
overall as (
    select avg(ltv_usd) as avg_ltv_usd from backtest_accounts where is_customer
)
select v.icp_version, v.status, t.icp_tier,
    coalesce(b.accounts, 0) as accounts, coalesce(b.customers, 0) as customers,
    round(b.customers / b.accounts, 4) as conversion_rate,
    cents(b.avg_ltv_usd) as avg_ltv_usd, cents(b.median_ltv_usd) as median_ltv_usd,
    cents(b.avg_cac_usd) as avg_cac_usd,
    round(cast(b.ltv_with_cac as double) / cast(b.cac_with_cac as double), 2) as ltv_to_cac,
    case when b.retention_customers > 0
        then round(b.retained_customers / b.retention_customers, 4) end as retention_12m,
    round(cast(b.avg_ltv_usd as double) / cast(o.avg_ltv_usd as double), 4) as ltv_lift,
    case when b.customers > 0 then round(b.best_customers / b.customers, 4) end
        as best_customer_share
from versions as v
cross join (values ('A'), ('B'), ('C'), ('D')) as t(icp_tier)
cross join overall as o
left join by_tier as b on v.version_key = b.version_key and t.icp_tier = b.icp_tier;

create or replace table icp_versions as
with versions as (
    select version_key, icp_version, max(effective_from) as effective_from, max(status) as status,
        count(*) as criteria
    from version_criteria where status <> 'training'
    group by all
),
training as (
    select distinct version_key, icp_version from version_criteria where status = 'training'
)
select v.icp_version, v.effective_from, v.status, v.criteria, a.auc, h.auc as holdout_auc,
    b.customers as tier_a_customers, b.ltv_lift as tier_a_ltv_lift,
    coalesce(h.best_customers + h.other_customers, 0) as holdout_customers
from versions as v
left join version_auc as a on v.version_key = a.version_key and a.population = 'all'
left join training as t on v.status = 'proposed' and v.icp_version = t.icp_version
left join version_auc as h
    on if(v.status = 'proposed', t.version_key, v.version_key) = h.version_key
    and h.population = 'holdout'
left join icp_backtest as b
    on v.icp_version = b.icp_version and v.status = b.status and b.icp_tier = 'A';
