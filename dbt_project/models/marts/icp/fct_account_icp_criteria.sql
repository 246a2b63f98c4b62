{#- Why each account got its ICP fit score: one row per account and criterion of the current ICP
    version. dim_accounts.icp_fit_score is derivable from these rows (tested). -#}

with outcomes as (

    select * from {{ ref('int_icp__account_criteria') }}

),

final as (

    select
        account_id,
        icp_version,
        criterion,
        attribute,
        operator,
        outcome,
        weight
    from outcomes

)

select * from final
