{#- The ICP back-test (metrics.md, "ICP back-test"): every version (past, current, future and the
    proposed one) scores every account as of the as-of date, and the customers of each tier are
    compared on what they actually did. One row per version and tier, all four tiers (an empty
    tier has zero accounts and null rates). -#}

with criteria as (

    select * from {{ ref('int_icp__version_criteria') }}
    where status <> 'training'

),

scores as (

    select * from {{ ref('int_icp__version_scores') }}

),

accounts as (

    select * from {{ ref('int_icp__backtest_accounts') }}

),

versions as (

    select distinct
        version_key,
        icp_version,
        status
    from criteria

),

tiers as (

    select 'A' as icp_tier
    union all
    select 'B' as icp_tier
    union all
    select 'C' as icp_tier
    union all
    select 'D' as icp_tier

),

all_customers as (

    select avg(ltv_usd) as avg_ltv_usd
    from accounts
    where is_customer

),

scored as (

    select
        accounts.*,
        scores.version_key,
        scores.icp_tier
    from scores
    inner join accounts
        on scores.account_id = accounts.account_id

),

by_tier as (

    select
        version_key,
        icp_tier,
        count(*) as accounts,
        count(case when is_customer then 1 end) as customers,
        avg(case when is_customer then ltv_usd end) as avg_ltv_usd,
        {{ icp.median('case when is_customer then ltv_usd end') }} as median_ltv_usd,
        avg(case when is_customer then cac_usd end) as avg_cac_usd,
        sum(case when is_customer and cac_usd > 0 then ltv_usd end) as ltv_with_cac_usd,
        sum(case when is_customer and cac_usd > 0 then cac_usd end) as cac_with_cac_usd,
        count(case when is_retention_eligible then 1 end) as retention_customers,
        count(case when is_retained_12m then 1 end) as retained_customers,
        count(case when is_customer and is_best_customer then 1 end) as best_customers
    from scored
    group by version_key, icp_tier

),

final as (

    select
        versions.icp_version,
        versions.status,
        tiers.icp_tier,
        coalesce(by_tier.accounts, 0) as accounts,
        coalesce(by_tier.customers, 0) as customers,
        round(cast(by_tier.customers as double) / by_tier.accounts, 4) as conversion_rate,
        {{ icp.mart_money('by_tier.avg_ltv_usd') }} as avg_ltv_usd,
        {{ icp.mart_money('by_tier.median_ltv_usd') }} as median_ltv_usd,
        {{ icp.mart_money('by_tier.avg_cac_usd') }} as avg_cac_usd,
        -- Ratios of money as double on both engines (Spark divides decimals into decimals).
        round(
            cast(by_tier.ltv_with_cac_usd as double) / cast(by_tier.cac_with_cac_usd as double), 2
        ) as ltv_to_cac,
        case
            when by_tier.retention_customers > 0
                then
                    round(
                        cast(by_tier.retained_customers as double) / by_tier.retention_customers, 4
                    )
        end as retention_12m,
        round(
            cast(by_tier.avg_ltv_usd as double) / cast(all_customers.avg_ltv_usd as double), 4
        ) as ltv_lift,
        case
            when by_tier.customers > 0
                then round(cast(by_tier.best_customers as double) / by_tier.customers, 4)
        end as best_customer_share
    from versions
    cross join tiers
    cross join all_customers
    left join by_tier
        on
            versions.version_key = by_tier.version_key
            and tiers.icp_tier = by_tier.icp_tier

)

select * from final
