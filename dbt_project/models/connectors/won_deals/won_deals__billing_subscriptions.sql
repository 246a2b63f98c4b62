{#- billing = crm: each won deal with an amount is a subscription of `deal_term_months` from its
    close, MRR = amount / term. It is written as canceled at the term's end: a cancellation after
    the as-of date has not happened yet, so the deal is live until its term ends, then churns. -#}

with deals as (

    select * from {{ ref('won_deals__deals') }}

),

final as (

    select
        _row_number,
        cast(null as {{ dbt.type_string() }}) as _drop_reason,
        opportunity_id as subscription_id,
        account_id as customer_id,
        opportunity_type as plan,
        'canceled' as status,
        closed_at as started_at,
        term_ends_at as canceled_at,
        {{ icp.decimal_text('amount_value / ' ~ (var('deal_term_months') | int)) }} as mrr,
        currency
    from deals

)

select * from final
