{#- Every account scored by every version of int_icp__version_criteria as of the as-of date: fit
    score and tier, by the same rule (macros/icp_scoring.sql) as the current fit in dim_accounts. -#}

with criteria as (

    select * from {{ ref('int_icp__version_criteria') }}

),

listing_criteria as (

    select * from criteria
    where operator in ('in', 'not_in', 'contains_any')

),

items as (

    {{ icp.split_to_rows(
        'listing_criteria', ['version_key', 'criterion', 'attribute', 'operator'], 'value', '|'
    ) }}

),

attributes as (

    select * from {{ ref('int_icp__account_attributes') }}

),

{{ icp.criterion_outcome_ctes('criteria', 'items', 'attributes') }},

scored as (

    select
        version_key,
        account_id,
        {{ icp.fit_score('outcome', 'weight') }} as icp_fit_score
    from evaluated
    group by version_key, account_id

),

final as (

    select
        version_key,
        account_id,
        icp_fit_score,
        {{ icp.fit_tier('icp_fit_score') }} as icp_tier
    from scored

)

select * from final
