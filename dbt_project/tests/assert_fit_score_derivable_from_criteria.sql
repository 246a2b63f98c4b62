{{ config(meta={'dagster': {'ref': {'name': 'dim_accounts'}}}) }}

-- dim_accounts.icp_fit_score is 100 x matched weight / total weight of the account's rows in
-- fct_account_icp_criteria, rounded to one decimal. Rows returned are accounts where it is not.
with criteria as (

    select
        account_id,
        round(100.0 * sum(case when outcome = 'match' then weight else 0 end) / sum(weight), 1)
            as derived_score
    from {{ ref('fct_account_icp_criteria') }}
    group by account_id

)

select
    accounts.account_id,
    accounts.icp_fit_score,
    criteria.derived_score
from {{ ref('dim_accounts') }} as accounts
left join criteria
    on accounts.account_id = criteria.account_id
where coalesce(accounts.icp_fit_score, -1) <> coalesce(criteria.derived_score, -1)
