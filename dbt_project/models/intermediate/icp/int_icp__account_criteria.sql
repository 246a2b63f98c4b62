{#- Every account against every criterion of the current ICP: match, miss, or unknown when the
    account's attribute is null (macros/icp_scoring.sql, shared with the back-test). -#}

with criteria as (

    select * from {{ ref('int_icp__current_criteria') }}

),

items as (

    select * from {{ ref('int_icp__criterion_items') }}

),

attributes as (

    select * from {{ ref('int_icp__account_attributes') }}

),

{{ icp.criterion_outcome_ctes('criteria', 'items', 'attributes') }},

final as (

    select
        account_id,
        icp_version,
        criterion,
        attribute,
        operator,
        weight,
        outcome
    from evaluated

)

select * from final
