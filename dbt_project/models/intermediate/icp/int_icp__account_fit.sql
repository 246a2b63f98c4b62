{#- ICP fit per account from its criterion outcomes: score (share of weight matched, 0-100, one
    decimal), confidence (share of weight that could be evaluated), tier, and the matched (reasons)
    and missed (gaps) criteria, highest weight first. Accounts are all scored, prospects included. -#}

with outcomes as (

    select * from {{ ref('int_icp__account_criteria') }}

),

scored as (

    select
        outcomes.account_id,
        outcomes.icp_version,
        {{ icp.fit_score('outcome', 'weight') }} as icp_fit_score,
        sum(case when outcomes.outcome <> 'unknown' then outcomes.weight else 0 end)
        / sum(outcomes.weight) as icp_fit_confidence,
        {{ icp.ordered_list_agg(
            "case when outcome = 'match' then criterion end", ['-weight', 'criterion']
        ) }} as icp_fit_reasons,
        {{ icp.ordered_list_agg(
            "case when outcome = 'miss' then criterion end", ['-weight', 'criterion']
        ) }} as icp_fit_gaps
    from outcomes
    group by outcomes.account_id, outcomes.icp_version

),

final as (

    select
        scored.*,
        {{ icp.fit_tier('icp_fit_score') }} as icp_tier
    from scored

)

select * from final
