{#- billing = crm: each won deal with an amount is a paid invoice of that amount at its close. -#}

with deals as (

    select * from {{ ref('won_deals__deals') }}

),

final as (

    select
        _row_number,
        cast(null as {{ dbt.type_string() }}) as _drop_reason,
        opportunity_id as invoice_id,
        account_id as customer_id,
        opportunity_id as subscription_id,
        closed_at as issued_at,
        'paid' as status,
        amount,
        cast(null as {{ dbt.type_string() }}) as amount_refunded,
        currency
    from deals

)

select * from final
