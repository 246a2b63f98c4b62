{#- How well each version's score ranks the best customers first: the AUC, the chance that a random
    best customer scores higher than a random other customer, ties counting one half (Mann-Whitney:
    from the average rank of the scores among customers). Over all customers (`all`) and over the
    customers acquired in the holdout (`holdout`); null when either group is empty. -#}

with scores as (

    select * from {{ ref('int_icp__version_scores') }}

),

accounts as (

    select * from {{ ref('int_icp__backtest_accounts') }}
    where is_customer

),

scored_customers as (

    select
        scores.version_key,
        scores.icp_fit_score,
        accounts.is_best_customer,
        accounts.is_holdout
    from scores
    inner join accounts
        on scores.account_id = accounts.account_id

),

populations as (

    select
        version_key,
        'all' as population,
        icp_fit_score,
        is_best_customer
    from scored_customers
    union all
    select
        version_key,
        'holdout' as population,
        icp_fit_score,
        is_best_customer
    from scored_customers
    where is_holdout

),

ranked as (

    select
        populations.*,
        rank()
            over (
                partition by populations.version_key, populations.population
                order by populations.icp_fit_score
            )
        + (
            count(*)
                over (
                    partition by
                        populations.version_key, populations.population, populations.icp_fit_score
                )
            - 1
        )
        / 2.0
            as score_rank
    from populations

),

summed as (

    select
        version_key,
        population,
        count(case when is_best_customer then 1 end) as best_customers,
        count(case when not is_best_customer then 1 end) as other_customers,
        sum(case when is_best_customer then score_rank else 0 end) as best_rank_sum
    from ranked
    group by version_key, population

),

final as (

    select
        version_key,
        population,
        best_customers,
        other_customers,
        case
            when best_customers > 0 and other_customers > 0
                then round(
                    (best_rank_sum - best_customers * (best_customers + 1) / 2.0)
                    / (cast(best_customers as double) * other_customers), 4
                )
        end as auc
    from summed

)

select * from final
