{#- One row per ICP version (past, current, future and the proposed one): how many criteria, how
    well its score ranks the best customers first (`auc`, ties one half) over all customers and
    over the customers acquired in the last `backtest_holdout_days` days (`holdout_auc`; for the
    proposed version, the proposal learned on the customers acquired before them), and its tier A. -#}

with criteria as (

    select * from {{ ref('int_icp__version_criteria') }}

),

auc as (

    select * from {{ ref('int_icp__version_auc') }}

),

backtest as (

    select * from {{ ref('icp_backtest') }}
    where icp_tier = 'A'

),

versions as (

    select
        version_key,
        icp_version,
        max(effective_from) as effective_from,
        max(status) as status,
        count(*) as criteria
    from criteria
    where status <> 'training'
    group by version_key, icp_version

),

holdout_keys as (

    select distinct
        version_key,
        icp_version
    from criteria
    where status = 'training'

),

final as (

    select
        versions.icp_version,
        versions.effective_from,
        versions.status,
        versions.criteria,
        full_auc.auc,
        holdout_auc.auc as holdout_auc,
        backtest.customers as tier_a_customers,
        backtest.ltv_lift as tier_a_ltv_lift,
        coalesce(holdout_auc.best_customers + holdout_auc.other_customers, 0) as holdout_customers
    from versions
    left join auc as full_auc
        on
            versions.version_key = full_auc.version_key
            and full_auc.population = 'all'
    left join holdout_keys
        on
            versions.status = 'proposed'
            and versions.icp_version = holdout_keys.icp_version
    left join auc as holdout_auc
        on
            case
                when versions.status = 'proposed' then holdout_keys.version_key
                else versions.version_key
            end
            = holdout_auc.version_key
            and holdout_auc.population = 'holdout'
    left join backtest
        on
            versions.icp_version = backtest.icp_version
            and versions.status = backtest.status

)

select * from final
